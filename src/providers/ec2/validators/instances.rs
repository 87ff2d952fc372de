//! EC2 instances: the lab's server running where and how the lab asks (a public or private subnet, a public
//! address, IMDSv2 required, its security group, an instance profile). An instance is found by its `Name` tag.

use crate::facts::FactError;
use crate::i18n::{Message, clauses, msg};
use crate::model::Verdict;
use crate::providers::ec2::{self, Instance};
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

use super::vpc::is_public;

/// States of an instance that is gone or going: it counts as no instance.
const GONE: [&str; 2] = ["shutting-down", "terminated"];

validator! {
    /// An instance with this `Name` tag is running, and, for each param given: in a public (or private) subnet, with
    /// (or without) a public IPv4 address, requiring IMDSv2, in this security group, with an IAM instance profile.
    ///
    /// Why: a web server must be where the internet reaches it and nothing else: a public subnet and address for
    /// the server itself, a private subnet for what sits behind a load balancer. IMDSv2 (tokens required) closes
    /// the metadata service to the request-forgery attacks that stole credentials through IMDSv1, and an instance
    /// profile gives the server its permissions without keys on disk.
    ///
    /// ```toml
    /// validator = "instance_running"
    /// params = { instance = "web", subnet = "public", public_address = true, imdsv2 = true, group = "web" }
    /// ```
    pub struct InstanceRunning {
        /// The instance's `Name` tag.
        pub instance: String,
        /// `public` or `private`: the kind of subnet it must be in (not checked when absent).
        #[serde(default)]
        pub subnet: Option<String>,
        /// Whether it must have a public IPv4 address (`false`: must not; not checked when absent).
        #[serde(default)]
        pub public_address: Option<bool>,
        /// `true`: the metadata service must require tokens (IMDSv2).
        #[serde(default)]
        pub imdsv2: Option<bool>,
        /// The name of a security group it must be in.
        #[serde(default)]
        pub group: Option<String>,
        /// `true`: it must have an IAM instance profile.
        #[serde(default)]
        pub instance_profile: Option<bool>,
    }
}

impl InstanceRunning {
    /// What of the lab's asks `instance` does not meet.
    fn problems(&self, facts: &Facts, instance: &Instance) -> Result<Vec<Message>, FactError> {
        let mut problems = Vec::new();
        match instance.state.as_str() {
            "running" => {}
            "pending" => problems.push(msg!("instance-pending")),
            state => problems.push(msg!("instance-state", state)),
        }
        if let Some(kind) = &self.subnet {
            let subnet = instance.subnet_id.as_deref().unwrap_or_default();
            let found = facts.ec2.subnets()?.iter().find(|s| s.id == subnet);
            let public = match found {
                Some(found) => is_public(facts, found)?,
                None => false,
            };
            match (kind.as_str(), public) {
                ("public", false) => problems.push(msg!("instance-not-public-subnet", subnet)),
                ("private", true) => problems.push(msg!("instance-in-public-subnet", subnet)),
                _ => {}
            }
        }
        match (self.public_address, &instance.public_ip) {
            (Some(true), None) => problems.push(msg!("instance-no-public-address")),
            (Some(false), Some(address)) => problems.push(msg!("instance-public-address", address = address.as_str())),
            _ => {}
        }
        if self.imdsv2 == Some(true) && instance.http_tokens.as_deref() != Some("required") {
            problems.push(msg!("instance-imdsv1"));
        }
        if let Some(group) = &self.group {
            let ids: Vec<&str> =
                facts.ec2.security_groups()?.iter().filter(|g| &g.name == group).map(|g| g.id.as_str()).collect();
            if !instance.security_groups.iter().any(|id| ids.contains(&id.as_str())) {
                problems.push(msg!("instance-not-in-group", group = group.as_str()));
            }
        }
        if self.instance_profile == Some(true) && instance.instance_profile_arn.is_none() {
            problems.push(msg!("instance-no-profile"));
        }
        Ok(problems)
    }
}

impl Validator for InstanceRunning {
    fn reads(&self) -> Vec<Read> {
        let mut reads = vec![ec2::Read::Instances];
        if self.subnet.is_some() {
            reads.extend([ec2::Read::Subnets, ec2::Read::RouteTables, ec2::Read::InternetGateways]);
        }
        if self.group.is_some() {
            reads.push(ec2::Read::SecurityGroups);
        }
        reads.into_iter().map(Read::from).collect()
    }

    fn judges(&self) -> Vec<Judged> {
        let mut judged = vec![Judged::field("ec2_instances[].state")];
        if self.subnet.is_some() {
            judged.extend([
                Judged::field("ec2_instances[].subnet_id"),
                Judged::field("ec2_route_tables[].routes[].target"),
                Judged::field("ec2_route_tables[].associations[].subnet_id"),
            ]);
        }
        if self.public_address.is_some() {
            judged.push(Judged::field("ec2_instances[].public_ip"));
        }
        if self.imdsv2.is_some() {
            judged.push(Judged::field("ec2_instances[].http_tokens"));
        }
        if self.group.is_some() {
            judged.push(Judged::field("ec2_instances[].security_groups[]"));
        }
        if self.instance_profile.is_some() {
            judged.push(Judged::field("ec2_instances[].instance_profile_arn"));
        }
        judged
    }

    fn validate(&self) -> Result<(), String> {
        match self.subnet.as_deref() {
            None | Some("public" | "private") => Ok(()),
            Some(other) => Err(format!("subnet `{other}` is not `public` or `private`")),
        }
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let name = &self.instance;
        let named: Vec<&Instance> =
            facts.ec2.instances()?.iter().filter(|i| i.tags.get("Name").is_some_and(|n| n == name)).collect();
        let mut live: Vec<&Instance> = named.iter().copied().filter(|i| !GONE.contains(&i.state.as_str())).collect();
        if live.is_empty() {
            return Ok(Verdict::fail(if named.is_empty() {
                msg!("instance-missing", instance = name)
            } else {
                msg!("instance-terminated", instance = name)
            }));
        }
        // Running ones first: of several, the one closest to what the lab asks is judged.
        live.sort_by_key(|i| i.state != "running");
        let mut best: Option<(&Instance, Vec<Message>)> = None;
        for instance in live {
            let problems = self.problems(facts, instance)?;
            if best.as_ref().is_none_or(|(_, fewest)| problems.len() < fewest.len()) {
                best = Some((instance, problems));
            }
        }
        let (instance, problems) = best.expect("at least one live instance");
        let verdict = if problems.is_empty() {
            Verdict::pass(msg!("instance-ok", instance = name))
        } else {
            Verdict::fail(msg!("instance-wrong", instance = name, problems = clauses(problems)))
        };
        Ok(verdict.with("instance_id", &instance.id))
    }
}

#[cfg(test)]
mod tests;
