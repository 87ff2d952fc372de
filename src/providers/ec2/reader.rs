//! Reading EC2: each of the region's collections at most once per round, every page of it, and each launch template
//! named by a check once.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_ec2::types as sdk;

use super::operations::*;
use super::{
    Address, Association, Attachment, Ec2, Facts, Instance, InternetGateway, LaunchTemplate, LaunchTemplateData,
    NatAddress, NatGateway, Read, Route, RouteTable, Rule, SecurityGroup, Subnet, Vpc,
};
use crate::aws::pages::{self, IfMissing};
use crate::aws::round_trips::Once;
use crate::aws::{AwsSession, Keyed, has_code, text};
use crate::facts::{Fact, FactError, FactErrorKind};
use crate::providers::{Readers, Reading, RoundReader};

/// The largest page each listing allows (`MaxResults`; route tables allow 100). Asking for pages at all makes EC2
/// page its answer rather than answer everything at once or time out on a large account.
const PAGE: i32 = 1000;
const ROUTE_TABLE_PAGE: i32 = 100;

/// One round of EC2 reads.
pub struct Reader {
    session: Arc<AwsSession>,
    vpcs: Once<Fact<Vec<Vpc>>>,
    subnets: Once<Fact<Vec<Subnet>>>,
    route_tables: Once<Fact<Vec<RouteTable>>>,
    internet_gateways: Once<Fact<Vec<InternetGateway>>>,
    nat_gateways: Once<Fact<Vec<NatGateway>>>,
    addresses: Once<Fact<Vec<Address>>>,
    security_groups: Once<Fact<Vec<SecurityGroup>>>,
    instances: Once<Fact<Vec<Instance>>>,
    launch_templates: Keyed<Fact<Option<LaunchTemplate>>>,
}

/// Every page of one listing (`describe_vpcs` ...), converted item by item.
macro_rules! listing {
    ($self:ident . $once:ident, $call:ident, $page:expr, $operation:expr, $items:ident, $convert:expr) => {
        $self
            .$once
            .get_or_init(|| async {
                let request = $self.session.client::<Ec2>().$call().max_results($page);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages = pages::read_all(pages, &$operation, |p| p.next_token(), IfMissing::Error).await?;
                Ok(pages.iter().flat_map(|p| p.$items()).map($convert).collect())
            })
            .await
            .clone()
    };
}

impl RoundReader for Reader {
    type Read = Read;

    fn new(session: &Arc<AwsSession>, _plan: &[crate::providers::Read]) -> Self {
        Self {
            session: session.clone(),
            vpcs: Once::default(),
            subnets: Once::default(),
            route_tables: Once::default(),
            internet_gateways: Once::default(),
            nat_gateways: Once::default(),
            addresses: Once::default(),
            security_groups: Once::default(),
            instances: Once::default(),
            launch_templates: Keyed::new(),
        }
    }

    async fn read(&self, read: &Read, _round: &Readers) -> crate::providers::Facts {
        let mut ec2 = Facts::default();
        match read {
            Read::Vpcs => ec2.ec2_vpcs = Some(listing!(self.vpcs, describe_vpcs, PAGE, DESCRIBE_VPCS, vpcs, vpc_of)),
            Read::Subnets => {
                ec2.ec2_subnets =
                    Some(listing!(self.subnets, describe_subnets, PAGE, DESCRIBE_SUBNETS, subnets, subnet_of));
            }
            Read::RouteTables => {
                let (page, operation) = (ROUTE_TABLE_PAGE, DESCRIBE_ROUTE_TABLES);
                ec2.ec2_route_tables =
                    Some(listing!(self.route_tables, describe_route_tables, page, operation, route_tables, table_of));
            }
            Read::InternetGateways => {
                let operation = DESCRIBE_INTERNET_GATEWAYS;
                ec2.ec2_internet_gateways = Some(listing!(
                    self.internet_gateways,
                    describe_internet_gateways,
                    PAGE,
                    operation,
                    internet_gateways,
                    gateway_of
                ));
            }
            Read::NatGateways => {
                let operation = DESCRIBE_NAT_GATEWAYS;
                ec2.ec2_nat_gateways =
                    Some(listing!(self.nat_gateways, describe_nat_gateways, PAGE, operation, nat_gateways, nat_of));
            }
            Read::Addresses => ec2.ec2_addresses = Some(self.addresses().await),
            Read::SecurityGroups => {
                let operation = DESCRIBE_SECURITY_GROUPS;
                ec2.ec2_security_groups = Some(listing!(
                    self.security_groups,
                    describe_security_groups,
                    PAGE,
                    operation,
                    security_groups,
                    group_of
                ));
            }
            Read::Instances => ec2.ec2_instances = Some(self.instances().await),
            Read::LaunchTemplate { name } => {
                ec2.ec2_launch_templates.insert(name.clone(), self.launch_template(name).await);
            }
        }
        crate::providers::Facts { ec2, ..crate::providers::Facts::default() }
    }
}

impl Reader {
    /// Elastic IPs: `DescribeAddresses` has no pages (an account has a few, 5 per region by default).
    async fn addresses(&self) -> Fact<Vec<Address>> {
        self.addresses
            .get_or_init(|| async {
                match self.session.client::<Ec2>().describe_addresses().send().await {
                    Ok(out) => Ok(out.addresses().iter().map(address_of).collect()),
                    Err(e) => Err(DESCRIBE_ADDRESSES.error(e)),
                }
            })
            .await
            .clone()
    }

    /// Every instance of every reservation, terminated ones included (AWS lists them for about an hour).
    async fn instances(&self) -> Fact<Vec<Instance>> {
        self.instances
            .get_or_init(|| async {
                let request = self.session.client::<Ec2>().describe_instances().max_results(PAGE);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages = pages::read_all(pages, &DESCRIBE_INSTANCES, |p| p.next_token(), IfMissing::Error).await?;
                let reservations = pages.iter().flat_map(|p| p.reservations());
                Ok(reservations.flat_map(|r| r.instances()).map(instance_of).collect())
            })
            .await
            .clone()
    }

    /// The template's default and latest versions, in one call; `None` when there is no template of that name.
    async fn launch_template(&self, name: &str) -> Fact<Option<LaunchTemplate>> {
        self.launch_templates
            .get_or_fetch(name, || async {
                let request = self.session.client::<Ec2>().describe_launch_template_versions();
                let request = request.launch_template_name(name).versions("$Default").versions("$Latest");
                match request.send().await {
                    Ok(out) => template_of(out.launch_template_versions()).map(Some),
                    Err(e) if has_code(&e, &["InvalidLaunchTemplateName.NotFoundException"]) => Ok(None),
                    Err(e) => Err(DESCRIBE_LAUNCH_TEMPLATE_VERSIONS.error(e)),
                }
            })
            .await
    }
}

fn tags(tags: &[sdk::Tag]) -> BTreeMap<String, String> {
    tags.iter().map(|t| (text(t.key()), text(t.value()))).collect()
}

fn vpc_of(v: &sdk::Vpc) -> Vpc {
    Vpc {
        id: text(v.vpc_id()),
        cidr_block: text(v.cidr_block()),
        is_default: v.is_default().unwrap_or(false),
        state: v.state().map_or_else(String::new, |s| s.as_str().to_owned()),
        tags: tags(v.tags()),
    }
}

fn subnet_of(s: &sdk::Subnet) -> Subnet {
    Subnet {
        id: text(s.subnet_id()),
        vpc_id: text(s.vpc_id()),
        cidr_block: text(s.cidr_block()),
        availability_zone: text(s.availability_zone()),
        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
        default_for_az: s.default_for_az().unwrap_or(false),
        state: s.state().map_or_else(String::new, |s| s.as_str().to_owned()),
        tags: tags(s.tags()),
    }
}

fn table_of(t: &sdk::RouteTable) -> RouteTable {
    RouteTable {
        id: text(t.route_table_id()),
        vpc_id: text(t.vpc_id()),
        routes: t.routes().iter().map(route_of).collect(),
        associations: t
            .associations()
            .iter()
            .filter(|a| a.association_state().and_then(|s| s.state()).is_none_or(|s| s.as_str() == "associated"))
            .map(|a| Association {
                subnet_id: a.subnet_id().map(str::to_owned),
                gateway_id: a.gateway_id().map(str::to_owned),
                main: a.main().unwrap_or(false),
            })
            .collect(),
        tags: tags(t.tags()),
    }
}

fn route_of(r: &sdk::Route) -> Route {
    let destination = r.destination_cidr_block().or(r.destination_ipv6_cidr_block()).or(r.destination_prefix_list_id());
    let target = [
        r.gateway_id(),
        r.nat_gateway_id(),
        r.instance_id(),
        r.network_interface_id(),
        r.vpc_peering_connection_id(),
        r.transit_gateway_id(),
        r.egress_only_internet_gateway_id(),
        r.local_gateway_id(),
        r.carrier_gateway_id(),
        r.core_network_arn(),
    ];
    Route {
        destination: text(destination),
        target: text(target.into_iter().flatten().next()),
        state: r.state().map_or_else(|| "active".to_owned(), |s| s.as_str().to_owned()),
    }
}

fn gateway_of(g: &sdk::InternetGateway) -> InternetGateway {
    InternetGateway {
        id: text(g.internet_gateway_id()),
        attachments: g
            .attachments()
            .iter()
            .map(|a| Attachment {
                vpc_id: text(a.vpc_id()),
                state: a.state().map_or_else(String::new, |s| s.as_str().to_owned()),
            })
            .collect(),
        tags: tags(g.tags()),
    }
}

fn nat_of(n: &sdk::NatGateway) -> NatGateway {
    NatGateway {
        id: text(n.nat_gateway_id()),
        vpc_id: text(n.vpc_id()),
        subnet_id: text(n.subnet_id()),
        state: n.state().map_or_else(String::new, |s| s.as_str().to_owned()),
        // AWS omits the type for NAT gateways made before private ones existed: those are public.
        connectivity: n.connectivity_type().map_or_else(|| "public".to_owned(), |c| c.as_str().to_owned()),
        addresses: n
            .nat_gateway_addresses()
            .iter()
            .map(|a| NatAddress {
                allocation_id: a.allocation_id().map(str::to_owned),
                public_ip: a.public_ip().map(str::to_owned),
            })
            .collect(),
        tags: tags(n.tags()),
    }
}

fn address_of(a: &sdk::Address) -> Address {
    Address {
        allocation_id: text(a.allocation_id()),
        public_ip: text(a.public_ip()),
        association_id: a.association_id().map(str::to_owned),
        instance_id: a.instance_id().map(str::to_owned),
        network_interface_id: a.network_interface_id().map(str::to_owned),
        tags: tags(a.tags()),
    }
}

fn group_of(g: &sdk::SecurityGroup) -> SecurityGroup {
    SecurityGroup {
        id: text(g.group_id()),
        name: text(g.group_name()),
        vpc_id: text(g.vpc_id()),
        ingress: g.ip_permissions().iter().map(rule_of).collect(),
        egress: g.ip_permissions_egress().iter().map(rule_of).collect(),
        tags: tags(g.tags()),
    }
}

fn rule_of(p: &sdk::IpPermission) -> Rule {
    let every_port = p.ip_protocol() == Some("-1");
    Rule {
        protocol: text(p.ip_protocol()),
        from_port: p.from_port().filter(|_| !every_port),
        to_port: p.to_port().filter(|_| !every_port),
        ipv4_ranges: p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).map(str::to_owned).collect(),
        ipv6_ranges: p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6()).map(str::to_owned).collect(),
        groups: p.user_id_group_pairs().iter().filter_map(|g| g.group_id()).map(str::to_owned).collect(),
        prefix_lists: p.prefix_list_ids().iter().filter_map(|l| l.prefix_list_id()).map(str::to_owned).collect(),
    }
}

fn instance_of(i: &sdk::Instance) -> Instance {
    let metadata = i.metadata_options();
    Instance {
        id: text(i.instance_id()),
        state: i.state().and_then(|s| s.name()).map_or_else(String::new, |s| s.as_str().to_owned()),
        instance_type: i.instance_type().map_or_else(String::new, |t| t.as_str().to_owned()),
        image_id: text(i.image_id()),
        subnet_id: i.subnet_id().filter(|s| !s.is_empty()).map(str::to_owned),
        vpc_id: i.vpc_id().filter(|s| !s.is_empty()).map(str::to_owned),
        public_ip: i.public_ip_address().map(str::to_owned),
        // AWS gives an empty name, not none, to an instance without a public address.
        public_dns: i.public_dns_name().filter(|d| !d.is_empty()).map(str::to_owned),
        private_ip: i.private_ip_address().map(str::to_owned),
        instance_profile_arn: i.iam_instance_profile().and_then(|p| p.arn()).map(str::to_owned),
        security_groups: i.security_groups().iter().filter_map(|g| g.group_id()).map(str::to_owned).collect(),
        http_tokens: metadata.and_then(|m| m.http_tokens()).map(|t| t.as_str().to_owned()),
        http_endpoint: metadata.and_then(|m| m.http_endpoint()).map(|e| e.as_str().to_owned()),
        tags: tags(i.tags()),
    }
}

/// A template from its `$Default` and `$Latest` versions (one item when they are the same version).
fn template_of(versions: &[sdk::LaunchTemplateVersion]) -> Fact<LaunchTemplate> {
    let default = versions.iter().find(|v| v.default_version() == Some(true));
    let latest = versions.iter().max_by_key(|v| v.version_number().unwrap_or_default());
    let (Some(default), Some(latest)) = (default, latest) else {
        return Err(FactError::new(
            FactErrorKind::Malformed,
            DESCRIBE_LAUNCH_TEMPLATE_VERSIONS.name,
            "the answer has no default version",
        ));
    };
    Ok(LaunchTemplate {
        id: text(default.launch_template_id()),
        name: text(default.launch_template_name()),
        default_version: default.version_number().unwrap_or_default(),
        latest_version: latest.version_number().unwrap_or_default(),
        default: data_of(default.launch_template_data()),
        latest: data_of(latest.launch_template_data()),
    })
}

fn data_of(data: Option<&sdk::ResponseLaunchTemplateData>) -> LaunchTemplateData {
    let Some(data) = data else { return LaunchTemplateData::default() };
    let interface_groups = data.network_interfaces().iter().flat_map(|n| n.groups()).cloned();
    let profile = data.iam_instance_profile().and_then(|p| p.arn().or(p.name()));
    LaunchTemplateData {
        image_id: data.image_id().map(str::to_owned),
        instance_type: data.instance_type().map(|t| t.as_str().to_owned()),
        security_groups: data.security_group_ids().iter().cloned().chain(interface_groups).collect(),
        instance_profile: profile.map(str::to_owned),
        http_tokens: data.metadata_options().and_then(|m| m.http_tokens()).map(|t| t.as_str().to_owned()),
        has_user_data: data.user_data().is_some_and(|u| !u.is_empty()),
    }
}

crate::aws::sdk_client!(Ec2, aws_sdk_ec2);

impl Reading for Ec2 {
    /// Nothing here is cut: the network's settings name no secret, and user data is never read into facts.
    fn for_evidence(_facts: &mut Facts) {}

    type Reader = Reader;

    const ENUM_FIELDS: &'static [(&'static str, &'static str, &'static [&'static str])] = &[
        ("ec2_vpcs", "state", sdk::VpcState::values()),
        ("ec2_subnets", "state", sdk::SubnetState::values()),
        ("ec2_route_tables", "state", sdk::RouteState::values()),
        ("ec2_internet_gateways", "state", sdk::AttachmentStatus::values()),
        ("ec2_nat_gateways", "state", sdk::NatGatewayState::values()),
        ("ec2_nat_gateways", "connectivity", sdk::ConnectivityType::values()),
        ("ec2_instances", "state", sdk::InstanceStateName::values()),
        ("ec2_instances", "http_tokens", sdk::HttpTokensState::values()),
        ("ec2_instances", "http_endpoint", sdk::InstanceMetadataEndpointState::values()),
    ];
}
