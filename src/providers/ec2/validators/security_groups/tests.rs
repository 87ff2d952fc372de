use super::*;
use crate::providers::ec2::{SecurityGroup, Vpc};

fn rule(protocol: &str, ports: Option<(i32, i32)>, blocks: &[&str], groups: &[&str]) -> Rule {
    Rule {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ipv4_ranges: blocks.iter().filter(|b| !b.contains(':')).map(|b| (*b).to_owned()).collect(),
        ipv6_ranges: blocks.iter().filter(|b| b.contains(':')).map(|b| (*b).to_owned()).collect(),
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        prefix_lists: vec![],
    }
}

fn group(id: &str, name: &str, vpc: &str, ingress: Vec<Rule>) -> SecurityGroup {
    SecurityGroup { id: id.into(), name: name.into(), vpc_id: vpc.into(), ingress, ..SecurityGroup::default() }
}

/// The default VPC's default group (all traffic from itself), and the lab's: web (HTTP from anyone), db (MySQL
/// from web).
fn network(web: Vec<Rule>) -> Facts {
    let mut facts = Facts::default();
    let lab = Vpc { id: "vpc-lab".into(), tags: [("Name".to_owned(), "lab-vpc".to_owned())].into(), ..Vpc::default() };
    let default = Vpc { id: "vpc-default".into(), is_default: true, ..Vpc::default() };
    facts.ec2.ec2_vpcs = Some(Ok(vec![default, lab]));
    facts.ec2.ec2_security_groups = Some(Ok(vec![
        group("sg-default", "default", "vpc-default", vec![rule("-1", None, &[], &["sg-default"])]),
        group("sg-web", "web", "vpc-lab", web),
        group("sg-db", "db", "vpc-lab", vec![rule("tcp", Some((3306, 3306)), &[], &["sg-web"])]),
    ]));
    facts
}

fn http_from_anyone() -> Vec<Rule> {
    vec![rule("tcp", Some((80, 80)), &["0.0.0.0/0"], &[])]
}

fn allows(group: &str, port: i32, from: &str) -> SecurityGroupAllows {
    SecurityGroupAllows { group: group.into(), vpc: Some("lab-vpc".into()), port, from: from.parse().unwrap() }
}

fn not_open(port: i32) -> SecurityGroupNotOpen {
    SecurityGroupNotOpen { group: "web".into(), vpc: Some("lab-vpc".into()), port }
}

fn say(verdict: Result<Verdict, FactError>) -> (bool, String) {
    let verdict = verdict.expect("judged");
    (verdict.passed, verdict.message.to_string())
}

#[test]
fn a_port_from_anyone_or_from_another_group() {
    let facts = network(http_from_anyone());
    assert_eq!(
        say(allows("web", 80, "0.0.0.0/0").evaluate(&facts)),
        (true, "security group web lets TCP 80 in from 0.0.0.0/0".into())
    );
    assert_eq!(
        say(allows("db", 3306, "group:web").evaluate(&facts)),
        (true, "security group db lets TCP 3306 in from group:web".into())
    );
    assert!(!say(allows("db", 3306, "0.0.0.0/0").evaluate(&facts)).0, "from web only, not from anyone");
    assert!(!say(allows("web", 443, "0.0.0.0/0").evaluate(&facts)).0);
    // A range that holds the port, and a rule for every protocol, both let it in.
    let ranged = network(vec![rule("tcp", Some((0, 1024)), &["0.0.0.0/0"], &[])]);
    assert!(say(allows("web", 80, "0.0.0.0/0").evaluate(&ranged)).0);
    let everything = network(vec![rule("-1", None, &["0.0.0.0/0"], &[])]);
    assert!(say(allows("web", 80, "0.0.0.0/0").evaluate(&everything)).0);
}

#[test]
fn ssh_from_anywhere_is_found_however_it_is_written() {
    assert_eq!(
        say(not_open(22).evaluate(&network(http_from_anyone()))),
        (true, "security group web does not let port 22 in from anywhere".into())
    );
    for (rules, rule_text) in [
        (vec![rule("tcp", Some((22, 22)), &["0.0.0.0/0"], &[])], "by a rule for 22)"),
        (vec![rule("tcp", Some((20, 25)), &["::/0"], &[])], "by a rule for 20-25)"),
        (vec![rule("-1", None, &["0.0.0.0/0"], &[])], "by a rule for every protocol and port)"),
    ] {
        let (passed, message) = say(not_open(22).evaluate(&network(rules)));
        assert!(!passed, "{message}");
        assert!(message.contains(rule_text), "{message}");
    }
    // SSH from one address is not from anywhere.
    assert!(say(not_open(22).evaluate(&network(vec![rule("tcp", Some((22, 22)), &["203.0.113.7/32"], &[])]))).0);
}

#[test]
fn a_fresh_region_has_no_group_of_the_lab() {
    let mut fresh = network(vec![]);
    fresh.ec2.ec2_security_groups.as_mut().unwrap().as_mut().unwrap().retain(|g| g.name == "default");
    fresh.ec2.ec2_vpcs.as_mut().unwrap().as_mut().unwrap().retain(|v| v.is_default);
    assert_eq!(say(not_open(22).evaluate(&fresh)), (false, "there is no VPC named lab-vpc in this region".into()));
    let anywhere = SecurityGroupNotOpen { vpc: None, ..not_open(22) };
    assert_eq!(say(anywhere.evaluate(&fresh)), (false, "there is no security group named web".into()));
}

#[test]
fn bad_params_are_refused_at_load() {
    assert_eq!(
        "10.0.0.1".parse::<Source>().unwrap_err(),
        "from `10.0.0.1` is not an address block (0.0.0.0/0) or a group (group:NAME)"
    );
    assert_eq!(not_open(70000).validate().unwrap_err(), "port 70000 is not from 0 to 65535");
}
