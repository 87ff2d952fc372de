//! EC2 and the VPC: the region's VPCs, subnets, route tables, internet and NAT gateways, Elastic IPs, security groups
//! and instances (each one listing, every page), and launch templates by name.

mod operations;
#[cfg(feature = "aws")]
mod reader;
mod types;
pub mod validators;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "aws")]
pub use reader::Reader;
pub use types::*;

use super::{Invariant, Never, Provider, ReadKind};
use crate::aws::Operation;
use crate::facts::{Fact, FactError, collected};

pub struct Ec2;

/// What a validator may ask of EC2: one of the region's collections, or a launch template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    Vpcs,
    Subnets,
    RouteTables,
    InternetGateways,
    NatGateways,
    /// Elastic IP addresses.
    Addresses,
    SecurityGroups,
    Instances,
    /// The launch template with this name: its default and latest versions.
    LaunchTemplate {
        name: String,
    },
}

impl ReadKind for Read {
    fn collection(&self) -> &'static str {
        match self {
            Read::Vpcs => "ec2_vpcs",
            Read::Subnets => "ec2_subnets",
            Read::RouteTables => "ec2_route_tables",
            Read::InternetGateways => "ec2_internet_gateways",
            Read::NatGateways => "ec2_nat_gateways",
            Read::Addresses => "ec2_addresses",
            Read::SecurityGroups => "ec2_security_groups",
            Read::Instances => "ec2_instances",
            Read::LaunchTemplate { .. } => "ec2_launch_templates",
        }
    }

    fn keyed(&self) -> bool {
        match self {
            Read::LaunchTemplate { .. } => true,
            Read::Vpcs
            | Read::Subnets
            | Read::RouteTables
            | Read::InternetGateways
            | Read::NatGateways
            | Read::Addresses
            | Read::SecurityGroups
            | Read::Instances => false,
        }
    }

    fn resolved_through(&self) -> Vec<super::Read> {
        Vec::new()
    }

    fn operations(&self) -> Vec<Operation> {
        vec![match self {
            Read::Vpcs => operations::DESCRIBE_VPCS,
            Read::Subnets => operations::DESCRIBE_SUBNETS,
            Read::RouteTables => operations::DESCRIBE_ROUTE_TABLES,
            Read::InternetGateways => operations::DESCRIBE_INTERNET_GATEWAYS,
            Read::NatGateways => operations::DESCRIBE_NAT_GATEWAYS,
            Read::Addresses => operations::DESCRIBE_ADDRESSES,
            Read::SecurityGroups => operations::DESCRIBE_SECURITY_GROUPS,
            Read::Instances => operations::DESCRIBE_INSTANCES,
            Read::LaunchTemplate { .. } => operations::DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
        }]
    }
}

/// What was read of EC2. `None`: not read. Launch templates are by name; `None` there: no such template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2_vpcs: Option<Fact<Vec<Vpc>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2_subnets: Option<Fact<Vec<Subnet>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2_route_tables: Option<Fact<Vec<RouteTable>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2_internet_gateways: Option<Fact<Vec<InternetGateway>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2_nat_gateways: Option<Fact<Vec<NatGateway>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2_addresses: Option<Fact<Vec<Address>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2_security_groups: Option<Fact<Vec<SecurityGroup>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2_instances: Option<Fact<Vec<Instance>>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ec2_launch_templates: BTreeMap<String, Fact<Option<LaunchTemplate>>>,
}

impl Facts {
    pub fn vpcs(&self) -> Result<&[Vpc], FactError> {
        collected(self.ec2_vpcs.as_ref(), "VPCs").map(Vec::as_slice)
    }

    pub fn subnets(&self) -> Result<&[Subnet], FactError> {
        collected(self.ec2_subnets.as_ref(), "subnets").map(Vec::as_slice)
    }

    pub fn route_tables(&self) -> Result<&[RouteTable], FactError> {
        collected(self.ec2_route_tables.as_ref(), "route tables").map(Vec::as_slice)
    }

    pub fn internet_gateways(&self) -> Result<&[InternetGateway], FactError> {
        collected(self.ec2_internet_gateways.as_ref(), "internet gateways").map(Vec::as_slice)
    }

    pub fn nat_gateways(&self) -> Result<&[NatGateway], FactError> {
        collected(self.ec2_nat_gateways.as_ref(), "NAT gateways").map(Vec::as_slice)
    }

    pub fn addresses(&self) -> Result<&[Address], FactError> {
        collected(self.ec2_addresses.as_ref(), "Elastic IP addresses").map(Vec::as_slice)
    }

    pub fn security_groups(&self) -> Result<&[SecurityGroup], FactError> {
        collected(self.ec2_security_groups.as_ref(), "security groups").map(Vec::as_slice)
    }

    pub fn instances(&self) -> Result<&[Instance], FactError> {
        collected(self.ec2_instances.as_ref(), "EC2 instances").map(Vec::as_slice)
    }

    pub fn launch_template(&self, name: &str) -> Result<Option<&LaunchTemplate>, FactError> {
        collected(self.ec2_launch_templates.get(name), &format!("launch template {name}")).map(Option::as_ref)
    }

    /// The route table a subnet uses: the one associated with it, else its VPC's main table (AWS names no subnet
    /// for that implicit association).
    pub fn route_table_of(&self, subnet: &Subnet) -> Result<Option<&RouteTable>, FactError> {
        let tables = self.route_tables()?;
        let explicit =
            tables.iter().find(|t| t.associations.iter().any(|a| a.subnet_id.as_deref() == Some(&subnet.id)));
        Ok(explicit.or_else(|| tables.iter().find(|t| t.vpc_id == subnet.vpc_id && t.is_main())))
    }
}

/// Replaces `into` with `other` when `other` was read.
fn take<T>(into: &mut Option<T>, other: Option<T>) {
    if other.is_some() {
        *into = other;
    }
}

impl Provider for Ec2 {
    type Read = Read;

    type Facts = Facts;

    const OPERATIONS: &'static [Operation] = &operations::OPERATIONS;

    const FACT_NAMES: &'static [&'static str] = &[
        "ec2_vpcs",
        "ec2_subnets",
        "ec2_route_tables",
        "ec2_internet_gateways",
        "ec2_nat_gateways",
        "ec2_addresses",
        "ec2_security_groups",
        "ec2_instances",
        "ec2_launch_templates:TEMPLATE",
    ];

    const INVARIANTS: &'static [Invariant] = &[
        Invariant {
            field: "ec2_route_tables[].vpc_id",
            never: Never::Removed,
            why: "every route table belongs to a VPC (RouteTable.VpcId)",
        },
        Invariant {
            field: "ec2_security_groups[].vpc_id",
            never: Never::Removed,
            why: "every security group of a VPC names it (SecurityGroup.VpcId; EC2-Classic is retired)",
        },
    ];
    const REFERENCES: &'static [&'static str] = &[
        "ec2_subnets[].vpc_id",
        "ec2_route_tables[].vpc_id",
        "ec2_route_tables[].associations[].subnet_id",
        "ec2_route_tables[].routes[].target",
        "ec2_internet_gateways[].attachments[].vpc_id",
        "ec2_nat_gateways[].subnet_id",
        "ec2_security_groups[].ingress[].groups[]",
        "ec2_instances[].subnet_id",
        "ec2_instances[].security_groups[]",
    ];

    fn merge(into: &mut Facts, other: Facts) {
        take(&mut into.ec2_vpcs, other.ec2_vpcs);
        take(&mut into.ec2_subnets, other.ec2_subnets);
        take(&mut into.ec2_route_tables, other.ec2_route_tables);
        take(&mut into.ec2_internet_gateways, other.ec2_internet_gateways);
        take(&mut into.ec2_nat_gateways, other.ec2_nat_gateways);
        take(&mut into.ec2_addresses, other.ec2_addresses);
        take(&mut into.ec2_security_groups, other.ec2_security_groups);
        take(&mut into.ec2_instances, other.ec2_instances);
        into.ec2_launch_templates.extend(other.ec2_launch_templates);
    }

    fn parse_fact_name(kind: &str, argument: Option<&str>) -> Option<Result<Read, String>> {
        let listing = |read: Read| match argument {
            None => Ok(read),
            Some(_) => Err(format!("`{kind}` takes no argument")),
        };
        Some(match kind {
            "ec2_vpcs" => listing(Read::Vpcs),
            "ec2_subnets" => listing(Read::Subnets),
            "ec2_route_tables" => listing(Read::RouteTables),
            "ec2_internet_gateways" => listing(Read::InternetGateways),
            "ec2_nat_gateways" => listing(Read::NatGateways),
            "ec2_addresses" => listing(Read::Addresses),
            "ec2_security_groups" => listing(Read::SecurityGroups),
            "ec2_instances" => listing(Read::Instances),
            "ec2_launch_templates" => match argument {
                Some(name) if !name.is_empty() => Ok(Read::LaunchTemplate { name: name.to_owned() }),
                _ => Err(format!("`{kind}` takes the template's name: `{kind}:TEMPLATE`")),
            },
            _ => return None,
        })
    }
}
