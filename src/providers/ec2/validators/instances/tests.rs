use super::*;
use crate::providers::ec2::{Association, Attachment, InternetGateway, Route, RouteTable, SecurityGroup, Subnet, Vpc};

fn web(state: &str, subnet: &str) -> Instance {
    Instance {
        id: format!("i-{state}"),
        state: state.into(),
        subnet_id: Some(subnet.into()),
        vpc_id: Some("vpc-lab".into()),
        public_ip: Some("203.0.113.10".into()),
        http_tokens: Some("required".into()),
        security_groups: vec!["sg-web".into()],
        instance_profile_arn: Some("arn:aws:iam::123456789012:instance-profile/web".into()),
        tags: [("Name".to_owned(), "web".to_owned())].into(),
        ..Instance::default()
    }
}

/// A VPC with a public subnet (its own table to the internet gateway) and a private one (the main table), the
/// `web` group, and these instances.
fn network(instances: Vec<Instance>) -> Facts {
    let mut facts = Facts::default();
    let ec2 = &mut facts.ec2;
    ec2.ec2_vpcs = Some(Ok(vec![Vpc { id: "vpc-lab".into(), ..Vpc::default() }]));
    let subnet = |id: &str| Subnet { id: id.into(), vpc_id: "vpc-lab".into(), ..Subnet::default() };
    ec2.ec2_subnets = Some(Ok(vec![subnet("subnet-public"), subnet("subnet-private")]));
    let public = RouteTable {
        id: "rtb-public".into(),
        vpc_id: "vpc-lab".into(),
        routes: vec![Route { destination: "0.0.0.0/0".into(), target: "igw-lab".into(), state: "active".into() }],
        associations: vec![Association { subnet_id: Some("subnet-public".into()), ..Association::default() }],
        ..RouteTable::default()
    };
    let main = RouteTable {
        id: "rtb-main".into(),
        vpc_id: "vpc-lab".into(),
        associations: vec![Association { main: true, ..Association::default() }],
        ..RouteTable::default()
    };
    ec2.ec2_route_tables = Some(Ok(vec![public, main]));
    let attachments = vec![Attachment { vpc_id: "vpc-lab".into(), state: "available".into() }];
    ec2.ec2_internet_gateways =
        Some(Ok(vec![InternetGateway { id: "igw-lab".into(), attachments, ..Default::default() }]));
    let group =
        SecurityGroup { id: "sg-web".into(), name: "web".into(), vpc_id: "vpc-lab".into(), ..Default::default() };
    ec2.ec2_security_groups = Some(Ok(vec![group]));
    ec2.ec2_instances = Some(Ok(instances));
    facts
}

fn check() -> InstanceRunning {
    InstanceRunning {
        instance: "web".into(),
        subnet: Some("public".into()),
        public_address: Some(true),
        imdsv2: Some(true),
        group: Some("web".into()),
        instance_profile: Some(true),
    }
}

fn say(verdict: Result<Verdict, FactError>) -> (bool, String) {
    let verdict = verdict.expect("judged");
    (verdict.passed, verdict.message.to_string())
}

#[test]
fn the_web_server_as_the_lab_asks() {
    let facts = network(vec![web("running", "subnet-public")]);
    assert_eq!(say(check().evaluate(&facts)), (true, "instance web is running as the lab asks".into()));
}

#[test]
fn each_thing_the_lab_asks_is_named_when_missing() {
    let mut wrong = web("running", "subnet-private");
    wrong.public_ip = None;
    wrong.http_tokens = Some("optional".into());
    wrong.security_groups = vec!["sg-default".into()];
    wrong.instance_profile_arn = None;
    let (passed, message) = say(check().evaluate(&network(vec![wrong])));
    assert!(!passed);
    assert_eq!(
        message,
        "instance web: it is in subnet subnet-private, whose route table does not send 0.0.0.0/0 to an internet \
         gateway; it has no public IPv4 address; it allows IMDSv1 (metadata tokens are optional, not required); it \
         is not in security group web; it has no IAM instance profile"
    );
}

#[test]
fn a_terminated_or_stopped_server_is_not_running() {
    assert_eq!(
        say(check().evaluate(&network(vec![web("terminated", "subnet-public")]))),
        (false, "instance web was terminated: launch it again".into())
    );
    let (passed, message) = say(check().evaluate(&network(vec![web("stopped", "subnet-public")])));
    assert!(!passed && message.contains("it is stopped"), "{message}");
    let (passed, message) = say(check().evaluate(&network(vec![web("pending", "subnet-public")])));
    assert!(!passed && message.contains("check again in a minute"), "{message}");
    assert_eq!(say(check().evaluate(&network(vec![]))), (false, "there is no instance named web".into()));
    // A new one beside the terminated one is judged.
    let both = network(vec![web("terminated", "subnet-public"), web("running", "subnet-public")]);
    assert!(say(check().evaluate(&both)).0);
}

#[test]
fn a_private_server_must_have_no_public_address() {
    let private = InstanceRunning { subnet: Some("private".into()), public_address: Some(false), ..check() };
    let mut server = web("running", "subnet-private");
    server.public_ip = None;
    assert!(say(private.evaluate(&network(vec![server.clone()]))).0);
    server.public_ip = Some("198.51.100.4".into());
    let (passed, message) = say(private.evaluate(&network(vec![server])));
    assert!(!passed && message.contains("198.51.100.4"), "{message}");
    let bad = InstanceRunning { subnet: Some("dmz".into()), ..check() };
    assert_eq!(bad.validate().unwrap_err(), "subnet `dmz` is not `public` or `private`");
}
