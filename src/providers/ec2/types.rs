//! EC2's and the VPC's facts, as the `Describe*` calls give them: VPCs, subnets, route tables, internet and NAT
//! gateways, Elastic IPs, security groups, instances and launch templates. Tags are kept as a map (`Name` is the
//! name the console shows).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A VPC (`DescribeVpcs`). Every region has a default VPC (`is_default`) that the account did not build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    /// The primary IPv4 block (`10.0.0.0/16`).
    pub cidr_block: String,
    pub is_default: bool,
    /// `pending` or `available`.
    pub state: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// A subnet (`DescribeSubnets`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub cidr_block: String,
    /// `us-east-1a`.
    pub availability_zone: String,
    /// Whether instances launched in it get a public IPv4 address by default.
    pub map_public_ip_on_launch: bool,
    /// One of the default VPC's subnets (one per zone).
    pub default_for_az: bool,
    /// `pending`, `available`, `unavailable`, `failed`.
    pub state: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// A route table (`DescribeRouteTables`): its routes and the subnets and gateways associated with it. A subnet with
/// no association of its own uses its VPC's main route table (the one with a `main` association), and AWS names
/// no subnet for that implicit association.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(default)]
    pub associations: Vec<Association>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl RouteTable {
    /// Whether it is its VPC's main route table.
    pub fn is_main(&self) -> bool {
        self.associations.iter().any(|a| a.main)
    }

    /// The active route for this destination (`0.0.0.0/0`), if any.
    pub fn route_to(&self, destination: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.destination == destination && r.state == "active")
    }
}

/// One route: where traffic for `destination` goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// An IPv4 or IPv6 block (`0.0.0.0/0`, `::/0`) or a prefix list id (`pl-...`).
    pub destination: String,
    /// What it goes to: `local`, or the id of an internet gateway (`igw-`), NAT gateway (`nat-`), instance (`i-`),
    /// network interface (`eni-`), peering (`pcx-`), transit gateway (`tgw-`), virtual private gateway (`vgw-`),
    /// egress-only internet gateway (`eigw-`), VPC endpoint (`vpce-`) ...
    pub target: String,
    /// `active`, or `blackhole` when the target is gone (a deleted NAT gateway).
    pub state: String,
}

/// A route table's association with a subnet or a gateway, or its being the VPC's main table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<String>,
    #[serde(default)]
    pub main: bool,
}

/// An internet gateway (`DescribeInternetGateways`) and the VPCs it is attached to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl InternetGateway {
    /// Whether it is attached to this VPC (`available`: the attachment is complete).
    pub fn attached_to(&self, vpc: &str) -> bool {
        self.attachments.iter().any(|a| a.vpc_id == vpc && a.state == "available")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub vpc_id: String,
    /// `attaching`, `available` (attached), `detaching`, `detached`.
    pub state: String,
}

/// A NAT gateway (`DescribeNatGateways`). AWS lists deleted ones for about an hour (`deleted`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    /// `pending`, `failed`, `available`, `deleting`, `deleted`.
    pub state: String,
    /// `public` (through an internet gateway, with an Elastic IP) or `private`.
    pub connectivity: String,
    #[serde(default)]
    pub addresses: Vec<NatAddress>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// An address of a NAT gateway: its Elastic IP's allocation and public address, for a public one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
}

/// An Elastic IP address (`DescribeAddresses`), which costs money while it is allocated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub allocation_id: String,
    pub public_ip: String,
    /// What it is associated with, if anything (an instance, or a NAT gateway's network interface).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// A security group (`DescribeSecurityGroups`). Every VPC has a `default` group that the account did not make.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    /// The group name (`GroupName`), not the `Name` tag.
    pub name: String,
    pub vpc_id: String,
    #[serde(default)]
    pub ingress: Vec<Rule>,
    #[serde(default)]
    pub egress: Vec<Rule>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// One permission of a security group: a protocol and port range, from (or to) address blocks, other groups or
/// prefix lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for every protocol (and every port).
    pub protocol: String,
    /// The first port (for ICMP, the type); `None` with protocol `-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv4_ranges: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_ranges: Vec<String>,
    /// Security group ids (a group referring to another, or to itself).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Prefix list ids (`pl-...`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_lists: Vec<String>,
}

impl Rule {
    /// Whether it lets through TCP traffic to `port` (a TCP rule whose range holds it, or one for every protocol).
    pub fn covers_tcp(&self, port: i32) -> bool {
        match self.protocol.as_str() {
            "-1" | "all" => true,
            "tcp" | "6" => self.from_port.unwrap_or(0) <= port && port <= self.to_port.unwrap_or(65535),
            _ => false,
        }
    }

    /// Whether it is open to every address (`0.0.0.0/0` or `::/0`).
    pub fn from_anywhere(&self) -> bool {
        self.ipv4_ranges.iter().any(|r| r == "0.0.0.0/0") || self.ipv6_ranges.iter().any(|r| r == "::/0")
    }
}

/// An instance (`DescribeInstances`). AWS lists terminated instances for about an hour (`terminated`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    /// `pending`, `running`, `shutting-down`, `terminated`, `stopping`, `stopped`.
    pub state: String,
    pub instance_type: String,
    pub image_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// The public IPv4 address AWS assigned (or an Elastic IP's), while it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// The public DNS name AWS assigned, when the VPC gives DNS names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_dns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<String>,
    /// The IAM instance profile's ARN, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_profile_arn: Option<String>,
    /// Its security groups' ids.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed); `None` when AWS gave no metadata options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`: whether the metadata service answers at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// A launch template (`DescribeLaunchTemplateVersions` of `$Default` and `$Latest`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchTemplate {
    pub id: String,
    pub name: String,
    pub default_version: i64,
    pub latest_version: i64,
    /// What its default version launches.
    pub default: LaunchTemplateData,
    /// What its latest version launches (the same as `default` when they are one version).
    pub latest: LaunchTemplateData,
}

/// What a launch template version launches (the fields a lab judges).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchTemplateData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// Security group ids, from the template or from its first network interface.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// The instance profile, by ARN or by name as the template gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_profile: Option<String>,
    /// `required` or `optional`, when the template sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_tokens: Option<String>,
    /// Whether it carries user data (never the data itself: it is the account's text and may hold secrets).
    #[serde(default)]
    pub has_user_data: bool,
}
