//! Security groups: what a group lets in (a port from an address block or from another group), and what it must
//! never let in from anywhere. A group is found by its group name, in the lab's VPC when one is named.

use crate::facts::FactError;
use crate::i18n::msg;
use crate::model::Verdict;
use crate::providers::ec2::{self, Rule, SecurityGroup};
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

/// Where a rule lets traffic in from, as a lab names it: an IPv4 or IPv6 block (`0.0.0.0/0`), or another group by
/// its name (`group:web`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Block(String),
    Group(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Block(block) => f.write_str(block),
            Source::Group(name) => write!(f, "group:{name}"),
        }
    }
}

impl std::str::FromStr for Source {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.strip_prefix("group:") {
            Some(name) if !name.is_empty() => Ok(Source::Group(name.to_owned())),
            Some(_) => Err("`from = \"group:\"` names no group".to_owned()),
            None if text.contains('/') => Ok(Source::Block(text.to_owned())),
            None => Err(format!("from `{text}` is not an address block (0.0.0.0/0) or a group (group:NAME)")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

fn group_reads() -> Vec<Read> {
    vec![ec2::Read::SecurityGroups.into(), ec2::Read::Vpcs.into()]
}

/// Runs `judge` on the one group named `name` (in the VPC named `vpc`, when given), or fails naming what is wrong.
fn judge_group(
    facts: &Facts,
    name: &str,
    vpc: Option<&str>,
    judge: impl FnOnce(&SecurityGroup) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    let vpc_id = match vpc {
        Some(vpc) => {
            let vpcs = facts.ec2.vpcs()?;
            match vpcs.iter().find(|v| v.tags.get("Name").is_some_and(|n| n == vpc)) {
                Some(found) => Some(found.id.clone()),
                None => return Ok(Verdict::fail(msg!("vpc-missing", vpc))),
            }
        }
        None => None,
    };
    let groups = facts.ec2.security_groups()?;
    let named: Vec<&SecurityGroup> =
        groups.iter().filter(|g| g.name == name && vpc_id.as_ref().is_none_or(|id| *id == g.vpc_id)).collect();
    match named.as_slice() {
        [] => Ok(Verdict::fail(msg!("sg-missing", group = name))),
        [group] => Ok(judge(group)?.with("group_id", &group.id)),
        [..] => Ok(Verdict::fail(msg!("sg-several", group = name, count = named.len()))),
    }
}

/// Whether `rule` lets TCP traffic to `port` in from `source` (a group given by its id).
fn lets_in(rule: &Rule, port: i32, source: &Source, group_id: Option<&str>) -> bool {
    rule.covers_tcp(port)
        && match source {
            Source::Block(block) => rule.ipv4_ranges.contains(block) || rule.ipv6_ranges.contains(block),
            Source::Group(_) => group_id.is_some_and(|id| rule.groups.iter().any(|g| g == id)),
        }
}

const INGRESS_JUDGED: [Judged; 6] = [
    Judged::field("ec2_security_groups[].ingress[].protocol"),
    Judged::field("ec2_security_groups[].ingress[].from_port"),
    Judged::field("ec2_security_groups[].ingress[].to_port"),
    Judged::field("ec2_security_groups[].ingress[].ipv4_ranges[]"),
    Judged::field("ec2_security_groups[].ingress[].groups[]"),
    Judged::items("ec2_security_groups[].ingress"),
];

validator! {
    /// The security group lets TCP traffic to `port` in from `from`: an address block (`0.0.0.0/0` for anyone) or
    /// another security group (`group:NAME`, by its group name).
    ///
    /// Why: a web server is reached only on the ports its group opens, and a tier behind a load balancer or a
    /// database should be reached only from the group of what calls it, not from an address range that anything
    /// can come from.
    ///
    /// ```toml
    /// validator = "security_group_allows"
    /// params = { group = "db", vpc = "lab-vpc", port = 3306, from = "group:web" }
    /// ```
    pub struct SecurityGroupAllows {
        /// The group's name (`GroupName`).
        pub group: String,
        /// The `Name` tag of the VPC the group is in (any VPC when absent).
        #[serde(default)]
        pub vpc: Option<String>,
        /// The TCP port.
        pub port: i32,
        /// `0.0.0.0/0`, another block, or `group:NAME`.
        pub from: Source,
    }
}

impl Validator for SecurityGroupAllows {
    fn reads(&self) -> Vec<Read> {
        group_reads()
    }

    fn judges(&self) -> Vec<Judged> {
        INGRESS_JUDGED.to_vec()
    }

    fn validate(&self) -> Result<(), String> {
        valid_port(self.port)
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_group(facts, &self.group, self.vpc.as_deref(), |group| {
            let source_id = match &self.from {
                Source::Group(name) => {
                    let groups = facts.ec2.security_groups()?;
                    let found = groups.iter().find(|g| g.name == *name && g.vpc_id == group.vpc_id);
                    match found {
                        Some(found) => Some(found.id.as_str()),
                        None => return Ok(Verdict::fail(msg!("sg-missing", group = name.as_str()))),
                    }
                }
                Source::Block(_) => None,
            };
            let (name, port, from) = (&self.group, self.port, self.from.to_string());
            Ok(if group.ingress.iter().any(|r| lets_in(r, port, &self.from, source_id)) {
                Verdict::pass(msg!("sg-allows", group = name, port, from))
            } else {
                Verdict::fail(msg!("sg-does-not-allow", group = name, port, from))
            })
        })
    }
}

validator! {
    /// The security group exists and does not let TCP traffic to `port` in from anywhere (`0.0.0.0/0` or `::/0`),
    /// whether by a rule for that port, a range that holds it, or a rule for every protocol.
    ///
    /// Why: SSH (22) or RDP (3389) open to the internet is scanned within minutes of launch; a lab's server is
    /// reached through Session Manager or from one address, never from everyone.
    ///
    /// ```toml
    /// validator = "security_group_not_open"
    /// params = { group = "web", vpc = "lab-vpc", port = 22 }
    /// ```
    pub struct SecurityGroupNotOpen {
        /// The group's name (`GroupName`).
        pub group: String,
        /// The `Name` tag of the VPC the group is in (any VPC when absent).
        #[serde(default)]
        pub vpc: Option<String>,
        /// The TCP port that must not be open to anyone.
        pub port: i32,
    }
}

impl Validator for SecurityGroupNotOpen {
    fn reads(&self) -> Vec<Read> {
        group_reads()
    }

    fn judges(&self) -> Vec<Judged> {
        let mut judged = INGRESS_JUDGED.to_vec();
        judged.push(Judged::field("ec2_security_groups[].ingress[].ipv6_ranges[]"));
        judged
    }

    fn validate(&self) -> Result<(), String> {
        valid_port(self.port)
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_group(facts, &self.group, self.vpc.as_deref(), |group| {
            let (name, port) = (&self.group, self.port);
            let open = group.ingress.iter().find(|r| r.covers_tcp(port) && r.from_anywhere());
            Ok(match open {
                Some(rule) => {
                    let range = match (rule.from_port, rule.to_port) {
                        (Some(from), Some(to)) if from == to => from.to_string(),
                        (Some(from), Some(to)) => format!("{from}-{to}"),
                        _ => "all".to_owned(),
                    };
                    Verdict::fail(msg!("sg-open", group = name, port, range))
                }
                None => Verdict::pass(msg!("sg-not-open", group = name, port)),
            })
        })
    }
}

fn valid_port(port: i32) -> Result<(), String> {
    if (0..=65535).contains(&port) { Ok(()) } else { Err(format!("port {port} is not from 0 to 65535")) }
}

#[cfg(test)]
mod tests;
