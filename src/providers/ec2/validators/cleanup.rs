//! Clean-up of a network lab: what costs money gone (the instance, the NAT gateway, Elastic IPs left allocated),
//! then the VPC. A clean-up check counts once the steps it undoes had passed (the lab's `undoes`): on a fresh
//! account there is nothing to clean up yet.

use crate::facts::FactError;
use crate::i18n::{and, msg};
use crate::model::Verdict;
use crate::providers::ec2;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

validator! {
    /// No instance with this `Name` tag is left, but terminated ones (AWS lists them for about an hour).
    ///
    /// Why: a stopped instance still bills its volumes and its Elastic IP; only a terminated one costs nothing.
    ///
    /// ```toml
    /// validator = "instance_absent"
    /// params = { instance = "web" }
    /// ```
    pub struct InstanceAbsent {
        /// The instance's `Name` tag.
        pub instance: String,
    }
}

impl Validator for InstanceAbsent {
    fn reads(&self) -> Vec<Read> {
        vec![ec2::Read::Instances.into()]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("ec2_instances[].state"), Judged::items("ec2_instances")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let name = &self.instance;
        let left: Vec<&ec2::Instance> = facts
            .ec2
            .instances()?
            .iter()
            .filter(|i| i.tags.get("Name").is_some_and(|n| n == name) && i.state != "terminated")
            .collect();
        Ok(match left.first() {
            None => Verdict::pass(msg!("instance-gone", instance = name)),
            Some(instance) => {
                let state = instance.state.as_str();
                Verdict::fail(msg!("instance-left", instance = name, state)).with("instance_id", &instance.id)
            }
        })
    }
}

validator! {
    /// No NAT gateway is left in the VPC with this `Name` tag (one `deleting` or `deleted` is gone), and, with
    /// `addresses = true`, no Elastic IP is left allocated without being used.
    ///
    /// Why: a NAT gateway bills every hour it exists, and its Elastic IP stays allocated, and billed, after the NAT
    /// gateway is deleted until it is released.
    ///
    /// ```toml
    /// validator = "nat_gateway_absent"
    /// params = { vpc = "lab-vpc", addresses = true }
    /// ```
    pub struct NatGatewayAbsent {
        /// The VPC's `Name` tag (a VPC already deleted has no NAT gateway left).
        pub vpc: String,
        /// `true`: no Elastic IP may be left allocated and unassociated in the region.
        #[serde(default)]
        pub addresses: Option<bool>,
    }
}

impl Validator for NatGatewayAbsent {
    fn reads(&self) -> Vec<Read> {
        let mut reads = vec![ec2::Read::Vpcs, ec2::Read::NatGateways];
        if self.addresses == Some(true) {
            reads.push(ec2::Read::Addresses);
        }
        reads.into_iter().map(Read::from).collect()
    }

    fn judges(&self) -> Vec<Judged> {
        let mut judged = vec![Judged::field("ec2_nat_gateways[].state"), Judged::items("ec2_nat_gateways")];
        if self.addresses == Some(true) {
            judged.extend([Judged::items("ec2_addresses"), Judged::field("ec2_addresses[].association_id")]);
        }
        judged
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let name = &self.vpc;
        let vpcs: Vec<&str> = facts
            .ec2
            .vpcs()?
            .iter()
            .filter(|v| v.tags.get("Name").is_some_and(|n| n == name))
            .map(|v| v.id.as_str())
            .collect();
        let nat = facts
            .ec2
            .nat_gateways()?
            .iter()
            .find(|n| vpcs.contains(&n.vpc_id.as_str()) && !matches!(n.state.as_str(), "deleting" | "deleted"));
        if let Some(nat) = nat {
            return Ok(
                Verdict::fail(msg!("nat-left", vpc = name, state = nat.state.as_str())).with("nat_gateway_id", &nat.id)
            );
        }
        if self.addresses == Some(true) {
            let idle: Vec<&str> = facts
                .ec2
                .addresses()?
                .iter()
                .filter(|a| a.association_id.is_none())
                .map(|a| a.public_ip.as_str())
                .collect();
            if !idle.is_empty() {
                return Ok(Verdict::fail(msg!("addresses-left", count = idle.len(), addresses = and(idle.clone())))
                    .with("addresses", idle));
            }
        }
        Ok(Verdict::pass(msg!("nat-gone", vpc = name)))
    }
}

validator! {
    /// No VPC with this `Name` tag is left.
    ///
    /// Why: the VPC goes last: AWS deletes a VPC only once its instances, NAT gateways and network interfaces are
    /// gone, and the console's "Delete VPC" then removes its subnets, route tables, gateways and groups with it.
    ///
    /// ```toml
    /// validator = "vpc_absent"
    /// params = { vpc = "lab-vpc" }
    /// ```
    pub struct VpcAbsent {
        /// The VPC's `Name` tag.
        pub vpc: String,
    }
}

impl Validator for VpcAbsent {
    fn reads(&self) -> Vec<Read> {
        vec![ec2::Read::Vpcs.into()]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::items("ec2_vpcs")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let name = &self.vpc;
        let left = facts.ec2.vpcs()?.iter().find(|v| v.tags.get("Name").is_some_and(|n| n == name));
        Ok(match left {
            None => Verdict::pass(msg!("vpc-gone", vpc = name)),
            Some(vpc) => Verdict::fail(msg!("vpc-left", vpc = name)).with("vpc_id", &vpc.id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ec2::{Address, Instance, NatGateway, Vpc};

    fn account(instance: Option<&str>, nat: Option<&str>, address_used: Option<bool>, vpc: bool) -> Facts {
        let mut facts = Facts::default();
        let ec2 = &mut facts.ec2;
        let named = |n: &str| [("Name".to_owned(), n.to_owned())].into();
        let mut vpcs = vec![Vpc { id: "vpc-default".into(), is_default: true, ..Vpc::default() }];
        if vpc {
            vpcs.push(Vpc { id: "vpc-lab".into(), tags: named("lab-vpc"), ..Vpc::default() });
        }
        ec2.ec2_vpcs = Some(Ok(vpcs));
        let instances = instance.map(|state| Instance {
            id: "i-1".into(),
            state: state.into(),
            tags: named("web"),
            ..Instance::default()
        });
        ec2.ec2_instances = Some(Ok(instances.into_iter().collect()));
        let nats = nat.map(|state| NatGateway {
            id: "nat-1".into(),
            vpc_id: "vpc-lab".into(),
            state: state.into(),
            ..NatGateway::default()
        });
        ec2.ec2_nat_gateways = Some(Ok(nats.into_iter().collect()));
        let addresses = address_used.map(|used| Address {
            allocation_id: "eipalloc-1".into(),
            public_ip: "3.3.3.3".into(),
            association_id: used.then(|| "eipassoc-1".to_owned()),
            ..Address::default()
        });
        ec2.ec2_addresses = Some(Ok(addresses.into_iter().collect()));
        facts
    }

    fn say(verdict: Result<Verdict, FactError>) -> (bool, String) {
        let verdict = verdict.expect("judged");
        (verdict.passed, verdict.message.to_string())
    }

    #[test]
    fn what_costs_money_goes_first_then_the_vpc() {
        let instance = InstanceAbsent { instance: "web".into() };
        let nat = NatGatewayAbsent { vpc: "lab-vpc".into(), addresses: Some(true) };
        let vpc = VpcAbsent { vpc: "lab-vpc".into() };
        let built = account(Some("running"), Some("available"), Some(true), true);
        assert_eq!(
            say(instance.evaluate(&built)),
            (false, "instance web is still there (running): terminate it".into())
        );
        assert_eq!(
            say(nat.evaluate(&built)),
            (false, "VPC lab-vpc still has a NAT gateway (available): delete it".into())
        );
        assert_eq!(say(vpc.evaluate(&built)), (false, "VPC lab-vpc is still there: delete it".into()));
        let stopped = account(Some("stopped"), None, None, true);
        assert!(!say(instance.evaluate(&stopped)).0, "a stopped instance still costs");
        // The NAT gateway deleted, its Elastic IP left allocated.
        let half = account(Some("terminated"), Some("deleted"), Some(false), true);
        assert!(say(instance.evaluate(&half)).0);
        assert_eq!(
            say(nat.evaluate(&half)),
            (false, "1 Elastic IP is still allocated and unused (3.3.3.3): release it".into())
        );
        let clean = account(Some("terminated"), Some("deleted"), None, false);
        for (check, name) in [(&instance as &dyn Validator, "instance"), (&nat, "nat"), (&vpc, "vpc")] {
            assert!(say(check.evaluate(&clean)).0, "{name}");
        }
    }
}
