//! A lab's VPC and its parts: the VPC itself (never the region's default), its public and private subnets (by where
//! their route table sends 0.0.0.0/0), its internet gateway and its NAT gateway. Each finds the VPC by its `Name`
//! tag, as the console shows it.

use std::collections::BTreeSet;

use crate::facts::FactError;
use crate::i18n::msg;
use crate::model::Verdict;
use crate::providers::ec2::{self, NatGateway, Subnet, Vpc};
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

/// Where everything open to the internet goes.
const ANYWHERE: &str = "0.0.0.0/0";

fn reads(more: &[ec2::Read]) -> Vec<Read> {
    std::iter::once(ec2::Read::Vpcs).chain(more.iter().cloned()).map(Read::from).collect()
}

/// Runs `judge` on the one VPC named `name`, or fails naming what is wrong: none, several, or the default VPC.
pub(super) fn judge_vpc(
    facts: &Facts,
    name: &str,
    judge: impl FnOnce(&Vpc) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    let named: Vec<&Vpc> = facts.ec2.vpcs()?.iter().filter(|v| v.tags.get("Name").is_some_and(|n| n == name)).collect();
    match named.as_slice() {
        [] => Ok(Verdict::fail(msg!("vpc-missing", vpc = name))),
        [vpc] if vpc.is_default => Ok(Verdict::fail(msg!("vpc-is-default", vpc = name)).with("vpc_id", &vpc.id)),
        [vpc] => Ok(judge(vpc)?.with("vpc_id", &vpc.id)),
        [..] => {
            let ids: Vec<&str> = named.iter().map(|v| v.id.as_str()).collect();
            Ok(Verdict::fail(msg!("vpc-several", vpc = name, count = named.len())).with("vpc_ids", ids))
        }
    }
}

/// Whether a subnet's traffic to the internet goes out through an internet gateway attached to its VPC.
pub(super) fn is_public(facts: &Facts, subnet: &Subnet) -> Result<bool, FactError> {
    let Some(table) = facts.ec2.route_table_of(subnet)? else { return Ok(false) };
    let Some(route) = table.route_to(ANYWHERE) else { return Ok(false) };
    let gateways = facts.ec2.internet_gateways()?;
    Ok(gateways.iter().any(|g| g.id == route.target && g.attached_to(&subnet.vpc_id)))
}

/// The NAT gateway a private subnet's 0.0.0.0/0 goes through, if it goes through one that is available.
fn nat_of<'a>(facts: &'a Facts, subnet: &Subnet) -> Result<Option<&'a NatGateway>, FactError> {
    let Some(table) = facts.ec2.route_table_of(subnet)? else { return Ok(None) };
    let Some(route) = table.route_to(ANYWHERE) else { return Ok(None) };
    let gateways = facts.ec2.nat_gateways()?;
    Ok(gateways.iter().find(|n| n.id == route.target && n.state == "available"))
}

fn subnets_of<'a>(facts: &'a Facts, vpc: &Vpc) -> Result<Vec<&'a Subnet>, FactError> {
    Ok(facts.ec2.subnets()?.iter().filter(|s| s.vpc_id == vpc.id).collect())
}

/// What the route tables are judged by, for mutation analysis.
const ROUTES_JUDGED: [Judged; 5] = [
    Judged::field("ec2_route_tables[].routes[].destination"),
    Judged::field("ec2_route_tables[].routes[].target"),
    Judged::field("ec2_route_tables[].routes[].state"),
    Judged::field("ec2_route_tables[].associations[].subnet_id"),
    Judged::field("ec2_route_tables[].associations[].main"),
];

validator! {
    /// A VPC with this `Name` tag exists in the graded region, is not the region's default VPC, and, when given, has
    /// this IPv4 block.
    ///
    /// Why: every region comes with a default VPC that a lab must not count: the lab's network is one the student
    /// builds, with the address range the lab's subnets are cut from.
    ///
    /// ```toml
    /// validator = "vpc_exists"
    /// params = { vpc = "lab-vpc", cidr = "10.0.0.0/16" }
    /// ```
    pub struct VpcExists {
        /// The VPC's `Name` tag.
        pub vpc: String,
        /// Its primary IPv4 block (not checked when absent).
        #[serde(default)]
        pub cidr: Option<String>,
    }
}

impl Validator for VpcExists {
    fn reads(&self) -> Vec<Read> {
        reads(&[])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("ec2_vpcs[].is_default"), Judged::field("ec2_vpcs[].cidr_block")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_vpc(facts, &self.vpc, |vpc| {
            let name = &self.vpc;
            Ok(match &self.cidr {
                Some(cidr) if *cidr != vpc.cidr_block => {
                    Verdict::fail(msg!("vpc-cidr", vpc = name, cidr, found = &vpc.cidr_block))
                }
                _ => Verdict::pass(msg!("vpc-exists", vpc = name, cidr = &vpc.cidr_block)),
            })
        })
    }
}

validator! {
    /// The VPC has at least `count` public (or private) subnets, spread over at least `zones` Availability Zones. A
    /// subnet is public when its route table (its own, else the VPC's main one) sends 0.0.0.0/0 to an internet
    /// gateway attached to the VPC, private otherwise; with `through = "nat"`, a private subnet counts only when its
    /// 0.0.0.0/0 goes to an available NAT gateway.
    ///
    /// Why: a subnet is public or private by its routes, not by its name: a "public" subnet left on the main route
    /// table has no way out, and a private one routed to the internet gateway is exposed. Two zones keep the tier up
    /// when one zone fails.
    ///
    /// ```toml
    /// validator = "vpc_subnets"
    /// params = { vpc = "lab-vpc", kind = "private", count = 2, zones = 2, through = "nat" }
    /// ```
    pub struct VpcSubnets {
        /// The VPC's `Name` tag.
        pub vpc: String,
        /// `public` or `private`.
        pub kind: String,
        /// How many subnets of that kind, at least.
        pub count: u32,
        /// Over how many Availability Zones, at least (1 when absent).
        #[serde(default)]
        pub zones: Option<u32>,
        /// For private subnets: `nat` when their way out must be a NAT gateway.
        #[serde(default)]
        pub through: Option<String>,
    }
}

impl VpcSubnets {
    fn counts(&self, facts: &Facts, subnet: &Subnet) -> Result<bool, FactError> {
        let public = is_public(facts, subnet)?;
        Ok(match (self.kind.as_str(), self.through.as_deref()) {
            ("public", _) => public,
            (_, Some(_)) => !public && nat_of(facts, subnet)?.is_some(),
            (_, None) => !public,
        })
    }
}

impl Validator for VpcSubnets {
    fn reads(&self) -> Vec<Read> {
        let mut more = vec![ec2::Read::Subnets, ec2::Read::RouteTables, ec2::Read::InternetGateways];
        if self.through.is_some() {
            more.push(ec2::Read::NatGateways);
        }
        reads(&more)
    }

    fn judges(&self) -> Vec<Judged> {
        let mut judged = vec![
            Judged::field("ec2_subnets[].vpc_id"),
            Judged::field("ec2_subnets[].availability_zone"),
            Judged::items("ec2_subnets"),
            Judged::field("ec2_internet_gateways[].attachments[].vpc_id"),
            Judged::field("ec2_internet_gateways[].attachments[].state"),
        ];
        judged.extend(ROUTES_JUDGED);
        if self.through.is_some() {
            judged.push(Judged::field("ec2_nat_gateways[].state"));
        }
        judged
    }

    fn validate(&self) -> Result<(), String> {
        match (self.kind.as_str(), self.through.as_deref()) {
            ("public" | "private", None) | ("private", Some("nat")) => Ok(()),
            ("public", Some(_)) => Err("`through` is for private subnets".to_owned()),
            ("private", Some(other)) => Err(format!("through `{other}` is not `nat`")),
            (other, _) => Err(format!("kind `{other}` is not `public` or `private`")),
        }
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_vpc(facts, &self.vpc, |vpc| {
            let mut counted = Vec::new();
            for subnet in subnets_of(facts, vpc)? {
                if self.counts(facts, subnet)? {
                    counted.push(subnet);
                }
            }
            let zones: BTreeSet<&str> = counted.iter().map(|s| s.availability_zone.as_str()).collect();
            let (found, spread) = (counted.len(), zones.len());
            let (count, wanted_zones) = (self.count, self.zones.unwrap_or(1));
            let kind = if self.through.is_some() { "private-nat" } else { self.kind.as_str() };
            let vpc_name = &self.vpc;
            let verdict = if found < count as usize {
                Verdict::fail(msg!("vpc-subnets-few", vpc = vpc_name, kind, count, found))
            } else if spread < wanted_zones as usize {
                Verdict::fail(msg!("vpc-subnets-one-zone", vpc = vpc_name, kind, zones = wanted_zones, found = spread))
            } else {
                Verdict::pass(msg!("vpc-subnets", vpc = vpc_name, kind, found, zones = spread))
            };
            let ids: Vec<&str> = counted.iter().map(|s| s.id.as_str()).collect();
            Ok(verdict.with("subnet_ids", ids).with("zones", zones))
        })
    }
}

validator! {
    /// An internet gateway is attached to the VPC.
    ///
    /// Why: without one nothing in the VPC reaches the internet or is reached from it, whatever the routes say.
    ///
    /// ```toml
    /// validator = "vpc_internet_gateway"
    /// params = { vpc = "lab-vpc" }
    /// ```
    pub struct VpcInternetGateway {
        /// The VPC's `Name` tag.
        pub vpc: String,
    }
}

impl Validator for VpcInternetGateway {
    fn reads(&self) -> Vec<Read> {
        reads(&[ec2::Read::InternetGateways])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("ec2_internet_gateways[].attachments[].vpc_id"),
            Judged::field("ec2_internet_gateways[].attachments[].state"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_vpc(facts, &self.vpc, |vpc| {
            let gateways = facts.ec2.internet_gateways()?;
            Ok(match gateways.iter().find(|g| g.attached_to(&vpc.id)) {
                Some(gateway) => {
                    Verdict::pass(msg!("vpc-igw-attached", vpc = &self.vpc)).with("internet_gateway_id", &gateway.id)
                }
                None => Verdict::fail(msg!("vpc-igw-missing", vpc = &self.vpc)),
            })
        })
    }
}

validator! {
    /// An available public NAT gateway with an Elastic IP is in one of the VPC's public subnets.
    ///
    /// Why: a NAT gateway lets private subnets reach the internet without being reachable from it, and it can do so
    /// only from a public subnet, through its Elastic IP. One in a private subnet is billed by the hour and
    /// forwards nothing.
    ///
    /// ```toml
    /// validator = "vpc_nat_gateway"
    /// params = { vpc = "lab-vpc" }
    /// ```
    pub struct VpcNatGateway {
        /// The VPC's `Name` tag.
        pub vpc: String,
    }
}

impl Validator for VpcNatGateway {
    fn reads(&self) -> Vec<Read> {
        reads(&[ec2::Read::NatGateways, ec2::Read::Subnets, ec2::Read::RouteTables, ec2::Read::InternetGateways])
    }

    fn judges(&self) -> Vec<Judged> {
        let mut judged = vec![
            Judged::field("ec2_nat_gateways[].vpc_id"),
            Judged::field("ec2_nat_gateways[].state"),
            Judged::field("ec2_nat_gateways[].subnet_id"),
            Judged::field("ec2_nat_gateways[].connectivity"),
            Judged::items("ec2_nat_gateways[].addresses"),
            Judged::field("ec2_nat_gateways[].addresses[].allocation_id"),
        ];
        judged.extend(ROUTES_JUDGED);
        judged
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_vpc(facts, &self.vpc, |vpc| {
            let name = &self.vpc;
            let mine: Vec<&NatGateway> = facts.ec2.nat_gateways()?.iter().filter(|n| n.vpc_id == vpc.id).collect();
            let Some(nat) = mine.iter().find(|n| n.state == "available" || n.state == "pending") else {
                return Ok(Verdict::fail(msg!("vpc-nat-missing", vpc = name)));
            };
            let subnet = facts.ec2.subnets()?.iter().find(|s| s.id == nat.subnet_id);
            let public = match subnet {
                Some(subnet) => is_public(facts, subnet)?,
                None => false,
            };
            let elastic = nat.addresses.iter().any(|a| a.allocation_id.is_some());
            let verdict = if nat.connectivity != "public" || !elastic {
                Verdict::fail(msg!("vpc-nat-private", vpc = name))
            } else if !public {
                Verdict::fail(msg!("vpc-nat-in-private-subnet", vpc = name, subnet = &nat.subnet_id))
            } else if nat.state == "pending" {
                Verdict::fail(msg!("vpc-nat-pending", vpc = name))
            } else {
                Verdict::pass(msg!("vpc-nat", vpc = name, subnet = &nat.subnet_id))
            };
            Ok(verdict.with("nat_gateway_id", &nat.id))
        })
    }
}

#[cfg(test)]
mod tests;
