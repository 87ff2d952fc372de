use super::*;
use crate::providers::ec2::{
    Association, Attachment, InternetGateway, NatAddress, NatGateway, Route, RouteTable, Subnet, Vpc,
};

fn vpc(id: &str, name: Option<&str>, is_default: bool) -> Vpc {
    Vpc {
        id: id.into(),
        cidr_block: if is_default { "172.31.0.0/16".into() } else { "10.0.0.0/16".into() },
        is_default,
        state: "available".into(),
        tags: name.map(|n| [("Name".to_owned(), n.to_owned())].into()).unwrap_or_default(),
    }
}

fn subnet(id: &str, vpc: &str, zone: &str) -> Subnet {
    Subnet {
        id: id.into(),
        vpc_id: vpc.into(),
        availability_zone: zone.into(),
        state: "available".into(),
        ..Subnet::default()
    }
}

fn table(id: &str, vpc: &str, main: bool, subnets: &[&str], default_route: Option<&str>) -> RouteTable {
    let mut associations: Vec<Association> =
        subnets.iter().map(|s| Association { subnet_id: Some((*s).into()), ..Association::default() }).collect();
    if main {
        associations.push(Association { main: true, ..Association::default() });
    }
    let mut routes = vec![Route { destination: "10.0.0.0/16".into(), target: "local".into(), state: "active".into() }];
    if let Some(target) = default_route {
        routes.push(Route { destination: "0.0.0.0/0".into(), target: target.into(), state: "active".into() });
    }
    RouteTable { id: id.into(), vpc_id: vpc.into(), routes, associations, ..RouteTable::default() }
}

fn gateway(id: &str, vpc: &str) -> InternetGateway {
    let attachments = vec![Attachment { vpc_id: vpc.into(), state: "available".into() }];
    InternetGateway { id: id.into(), attachments, ..InternetGateway::default() }
}

fn nat(subnet: &str, state: &str) -> NatGateway {
    NatGateway {
        id: "nat-1".into(),
        vpc_id: "vpc-lab".into(),
        subnet_id: subnet.into(),
        state: state.into(),
        connectivity: "public".into(),
        addresses: vec![NatAddress { allocation_id: Some("eipalloc-1".into()), public_ip: Some("3.3.3.3".into()) }],
        ..NatGateway::default()
    }
}

/// A region as AWS makes it: the default VPC, a subnet per zone on its main route table to its internet gateway.
fn fresh() -> Facts {
    let mut facts = Facts::default();
    let ec2 = &mut facts.ec2;
    ec2.ec2_vpcs = Some(Ok(vec![vpc("vpc-default", None, true)]));
    ec2.ec2_subnets = Some(Ok(vec![
        subnet("subnet-d1", "vpc-default", "us-east-1a"),
        subnet("subnet-d2", "vpc-default", "us-east-1b"),
    ]));
    ec2.ec2_route_tables = Some(Ok(vec![table("rtb-default", "vpc-default", true, &[], Some("igw-default"))]));
    ec2.ec2_internet_gateways = Some(Ok(vec![gateway("igw-default", "vpc-default")]));
    ec2.ec2_nat_gateways = Some(Ok(vec![]));
    facts
}

/// The lab's network: public subnets in two zones on their own table to the internet gateway, private ones on the
/// main table through a NAT gateway in the first public subnet.
fn built() -> Facts {
    let mut facts = fresh();
    let ec2 = &mut facts.ec2;
    ec2.ec2_vpcs.as_mut().unwrap().as_mut().unwrap().push(vpc("vpc-lab", Some("lab-vpc"), false));
    ec2.ec2_subnets.as_mut().unwrap().as_mut().unwrap().extend([
        subnet("subnet-pub1", "vpc-lab", "us-east-1a"),
        subnet("subnet-pub2", "vpc-lab", "us-east-1b"),
        subnet("subnet-priv1", "vpc-lab", "us-east-1a"),
        subnet("subnet-priv2", "vpc-lab", "us-east-1b"),
    ]);
    ec2.ec2_route_tables.as_mut().unwrap().as_mut().unwrap().extend([
        table("rtb-public", "vpc-lab", false, &["subnet-pub1", "subnet-pub2"], Some("igw-lab")),
        table("rtb-main", "vpc-lab", true, &[], Some("nat-1")),
    ]);
    ec2.ec2_internet_gateways.as_mut().unwrap().as_mut().unwrap().push(gateway("igw-lab", "vpc-lab"));
    ec2.ec2_nat_gateways = Some(Ok(vec![nat("subnet-pub1", "available")]));
    facts
}

fn subnets(kind: &str, through: Option<&str>) -> VpcSubnets {
    VpcSubnets { vpc: "lab-vpc".into(), kind: kind.into(), count: 2, zones: Some(2), through: through.map(Into::into) }
}

fn say(verdict: Result<Verdict, FactError>) -> (bool, String) {
    let verdict = verdict.expect("judged");
    (verdict.passed, verdict.message.to_string())
}

#[test]
fn nothing_of_a_fresh_region_counts_for_the_lab() {
    let facts = fresh();
    let missing = "there is no VPC named lab-vpc in this region";
    assert_eq!(say(VpcExists { vpc: "lab-vpc".into(), cidr: None }.evaluate(&facts)), (false, missing.into()));
    for kind in ["public", "private"] {
        assert!(!say(subnets(kind, None).evaluate(&facts)).0, "{kind}");
    }
    assert!(!say(VpcInternetGateway { vpc: "lab-vpc".into() }.evaluate(&facts)).0);
    assert!(!say(VpcNatGateway { vpc: "lab-vpc".into() }.evaluate(&facts)).0);
    // The default VPC given the lab's name is still the default.
    let mut renamed = fresh();
    renamed.ec2.ec2_vpcs = Some(Ok(vec![vpc("vpc-default", Some("lab-vpc"), true)]));
    let (passed, message) = say(VpcExists { vpc: "lab-vpc".into(), cidr: None }.evaluate(&renamed));
    assert!(!passed && message.contains("default VPC"), "{message}");
}

#[test]
fn the_built_network_passes_each_check() {
    let facts = built();
    assert_eq!(
        say(VpcExists { vpc: "lab-vpc".into(), cidr: Some("10.0.0.0/16".into()) }.evaluate(&facts)),
        (true, "VPC lab-vpc exists (10.0.0.0/16)".into())
    );
    assert_eq!(
        say(subnets("public", None).evaluate(&facts)),
        (true, "VPC lab-vpc has 2 public subnets in 2 Availability Zones".into())
    );
    assert!(say(subnets("private", Some("nat")).evaluate(&facts)).0);
    assert!(say(VpcInternetGateway { vpc: "lab-vpc".into() }.evaluate(&facts)).0);
    assert_eq!(
        say(VpcNatGateway { vpc: "lab-vpc".into() }.evaluate(&facts)),
        (true, "VPC lab-vpc has a NAT gateway with an Elastic IP in its public subnet subnet-pub1".into())
    );
}

#[test]
fn a_subnet_is_public_or_private_by_its_routes_not_its_name() {
    // Both "public" subnets left on the main table (to the NAT gateway): no public subnet at all.
    let mut facts = built();
    let tables = facts.ec2.ec2_route_tables.as_mut().unwrap().as_mut().unwrap();
    tables.retain(|t| t.id != "rtb-public");
    let (passed, message) = say(subnets("public", None).evaluate(&facts));
    assert_eq!((passed, message.as_str()), (false, "VPC lab-vpc has 0 public subnets, not 2"));
    // A NAT gateway whose subnet has no way out is in a private subnet.
    let (passed, message) = say(VpcNatGateway { vpc: "lab-vpc".into() }.evaluate(&facts));
    assert!(!passed && message.contains("subnet-pub1"), "{message}");
    // The private subnets routed to the internet gateway are public: not private at all.
    let mut exposed = built();
    let tables = exposed.ec2.ec2_route_tables.as_mut().unwrap().as_mut().unwrap();
    tables.iter_mut().find(|t| t.id == "rtb-main").unwrap().routes[1].target = "igw-lab".into();
    assert!(!say(subnets("private", None).evaluate(&exposed)).0);
    // Private subnets with no way out count as private, not as private through NAT.
    let mut closed = built();
    let tables = closed.ec2.ec2_route_tables.as_mut().unwrap().as_mut().unwrap();
    tables.iter_mut().find(|t| t.id == "rtb-main").unwrap().routes.truncate(1);
    assert!(say(subnets("private", None).evaluate(&closed)).0);
    assert!(!say(subnets("private", Some("nat")).evaluate(&closed)).0);
}

#[test]
fn two_subnets_in_one_zone_are_not_two_zones() {
    let mut facts = built();
    let all = facts.ec2.ec2_subnets.as_mut().unwrap().as_mut().unwrap();
    all.iter_mut().find(|s| s.id == "subnet-pub2").unwrap().availability_zone = "us-east-1a".into();
    assert_eq!(
        say(subnets("public", None).evaluate(&facts)),
        (false, "VPC lab-vpc has its public subnets in 1 Availability Zone, not 2".into())
    );
}

#[test]
fn a_nat_gateway_being_deleted_or_made_is_no_nat_gateway_yet() {
    let mut facts = built();
    facts.ec2.ec2_nat_gateways = Some(Ok(vec![nat("subnet-pub1", "deleted")]));
    assert!(!say(VpcNatGateway { vpc: "lab-vpc".into() }.evaluate(&facts)).0);
    assert!(!say(subnets("private", Some("nat")).evaluate(&facts)).0, "a route to a deleted NAT is a blackhole");
    facts.ec2.ec2_nat_gateways = Some(Ok(vec![nat("subnet-pub1", "pending")]));
    let (passed, message) = say(VpcNatGateway { vpc: "lab-vpc".into() }.evaluate(&facts));
    assert!(!passed && message.contains("minute"), "{message}");
}

#[test]
fn two_vpcs_of_one_name_are_ambiguous_and_bad_params_are_refused() {
    let mut facts = built();
    facts.ec2.ec2_vpcs.as_mut().unwrap().as_mut().unwrap().push(vpc("vpc-lab2", Some("lab-vpc"), false));
    let (passed, message) = say(VpcExists { vpc: "lab-vpc".into(), cidr: None }.evaluate(&facts));
    assert_eq!((passed, message.as_str()), (false, "2 VPCs are named lab-vpc: delete the ones the lab does not use"));
    assert_eq!(subnets("both", None).validate().unwrap_err(), "kind `both` is not `public` or `private`");
    assert_eq!(subnets("public", Some("nat")).validate().unwrap_err(), "`through` is for private subnets");
}
