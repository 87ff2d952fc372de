//! EC2 and the VPC read live on moto through the real SDK, graded by checks a lab author writes in the lab file alone
//! (`facts_query`): a region as AWS makes it (a default VPC with its subnets, main route table and default group)
//! passes none of them, and the network a student builds passes each; so do labcheck's VPC validators. The snapshot
//! of the account grades the same.

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, HttpTokensState, InstanceMetadataOptionsRequest, IpPermission, IpRange, ResourceType, Tag,
    TagSpecification,
};

use crate::common::{Account, offline};

fn ec2(account: &Account) -> aws_sdk_ec2::Client {
    let conf = aws_sdk_ec2::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(account.region.clone()))
        .endpoint_url(&account.endpoint)
        .credentials_provider(Credentials::new(&account.id, "test", None, None, "labcheck-tests"))
        .build();
    aws_sdk_ec2::Client::from_conf(conf)
}

fn named(kind: ResourceType, name: &str) -> TagSpecification {
    TagSpecification::builder().resource_type(kind).tags(Tag::builder().key("Name").value(name).build()).build()
}

/// The checks of a web-server network, in the lab format alone: the lab's VPC (not the default), a public subnet
/// (its own route table sends 0.0.0.0/0 to an internet gateway), HTTP open in the `web` group, and the `web`
/// instance running with IMDSv2 required.
const LAB: &str = r#"
[lab]
id = "network-queries"
language = "en"
title = "A VPC and a web server, checked by queries"

[[steps]]
id = "network"
title = "The network"

[[steps.checks]]
id = "lab-vpc"
title = "The lab's VPC exists"
hint = "In the VPC console choose Create VPC, VPC only, name lab-vpc, IPv4 CIDR 10.0.0.0/16."
validator = "facts_query"
points = 1
params = { reads = ["ec2_vpcs"], query = "length(ec2_vpcs[?tags.Name == 'lab-vpc' && !is_default])", expect = 1, message = "there is no VPC named lab-vpc" }

[[steps.checks]]
id = "public-route"
title = "A subnet routes to the internet through its own table"
hint = "Create a route table in lab-vpc, add the route 0.0.0.0/0 to the VPC's internet gateway, and associate the public subnet with it."
validator = "facts_query"
points = 1
params = { reads = ["ec2_route_tables"], query = "length(ec2_route_tables[?!(associations[?main])] | [?routes[?destination == '0.0.0.0/0' && starts_with(target, 'igw-') && state == 'active']])", expect = 1, message = "no subnet's own route table sends 0.0.0.0/0 to an internet gateway" }

[[steps.checks]]
id = "http-open"
title = "The web group lets HTTP in"
hint = "In the web security group add an inbound rule: HTTP (TCP 80) from 0.0.0.0/0."
validator = "facts_query"
points = 1
params = { reads = ["ec2_security_groups"], query = "length(ec2_security_groups[?name == 'web'].ingress[] | [?protocol == 'tcp' && from_port <= `80` && to_port >= `80` && contains(ipv4_ranges, '0.0.0.0/0')])", expect = 1, message = "the web group does not let HTTP in from anywhere" }

[[steps.checks]]
id = "imdsv2"
title = "The web server requires IMDSv2"
hint = "Launch the web instance with Advanced details > Metadata version: V2 only (token required), or modify its metadata options."
validator = "facts_query"
points = 1
params = { reads = ["ec2_instances"], query = "ec2_instances[?tags.Name == 'web' && state == 'running'].http_tokens | [0]", expect = "required", message = "the running web instance does not require IMDSv2" }
"#;

/// The same network judged by labcheck's VPC validators.
const VALIDATORS_LAB: &str = r#"
[lab]
id = "network-validators"
language = "en"
title = "A VPC, checked by its validators"

[[steps]]
id = "network"
title = "The network"

[[steps.checks]]
id = "vpc"
title = "The lab's VPC exists"
validator = "vpc_exists"
points = 1
hint = "Create a VPC named lab-vpc with the block 10.0.0.0/16."
params = { vpc = "lab-vpc", cidr = "10.0.0.0/16" }

[[steps.checks]]
id = "igw"
title = "An internet gateway is attached"
validator = "vpc_internet_gateway"
points = 1
hint = "Create an internet gateway and attach it to lab-vpc."
params = { vpc = "lab-vpc" }

[[steps.checks]]
id = "public"
title = "A public subnet"
validator = "vpc_subnets"
points = 1
hint = "Give the public subnet a route table whose 0.0.0.0/0 route goes to the internet gateway."
params = { vpc = "lab-vpc", kind = "public", count = 1 }

[[steps.checks]]
id = "private"
title = "A private subnet"
validator = "vpc_subnets"
points = 1
hint = "Leave the private subnet on the main route table, with no route to the internet gateway."
params = { vpc = "lab-vpc", kind = "private", count = 1 }

[[steps.checks]]
id = "http"
title = "The web group lets HTTP in"
validator = "security_group_allows"
points = 1
hint = "In the web security group add an inbound rule: HTTP (TCP 80) from 0.0.0.0/0."
params = { group = "web", vpc = "lab-vpc", port = 80, from = "0.0.0.0/0" }

[[steps.checks]]
id = "ssh"
title = "SSH is not open to the world"
validator = "security_group_not_open"
points = 1
hint = "Remove any inbound rule of the web group that lets SSH (TCP 22) in from 0.0.0.0/0 or ::/0."
params = { group = "web", vpc = "lab-vpc", port = 22 }

[[steps.checks]]
id = "server"
title = "The web server runs in the public subnet with IMDSv2"
validator = "instance_running"
points = 1
hint = "Launch the web instance in the public subnet with a public IP, the web security group, and Metadata version: V2 only."
params = { instance = "web", subnet = "public", public_address = true, imdsv2 = true, group = "web" }
"#;

/// Builds the network in the account's region: VPC, public and private subnets, an internet gateway and the public
/// subnet's route table, the `web` group and the `web` instance.
async fn build_network(account: &Account) {
    let c = ec2(account);
    let vpc = c.create_vpc().cidr_block("10.0.0.0/16").tag_specifications(named(ResourceType::Vpc, "lab-vpc"));
    let vpc = vpc.send().await.expect("create VPC").vpc().unwrap().vpc_id().unwrap().to_owned();
    let zone = |letter: &str| format!("{}{letter}", account.region);
    let subnet = |cidr: &'static str, zone: String| {
        c.create_subnet().vpc_id(&vpc).cidr_block(cidr).availability_zone(zone).send()
    };
    let public = subnet("10.0.1.0/24", zone("a")).await.expect("public subnet");
    let public = public.subnet().unwrap().subnet_id().unwrap().to_owned();
    subnet("10.0.2.0/24", zone("b")).await.expect("private subnet");
    let enable = c.modify_subnet_attribute().subnet_id(&public);
    enable
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .expect("public IPs");
    let igw = c.create_internet_gateway().send().await.expect("internet gateway");
    let igw = igw.internet_gateway().unwrap().internet_gateway_id().unwrap().to_owned();
    c.attach_internet_gateway().internet_gateway_id(&igw).vpc_id(&vpc).send().await.expect("attach");
    let table = c.create_route_table().vpc_id(&vpc).send().await.expect("route table");
    let table = table.route_table().unwrap().route_table_id().unwrap().to_owned();
    let route = c.create_route().route_table_id(&table).destination_cidr_block("0.0.0.0/0").gateway_id(&igw);
    route.send().await.expect("default route");
    c.associate_route_table().route_table_id(&table).subnet_id(&public).send().await.expect("associate");
    let group = c.create_security_group().group_name("web").description("web server").vpc_id(&vpc);
    let group = group.send().await.expect("group").group_id().unwrap().to_owned();
    let http = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(80)
        .to_port(80)
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build();
    c.authorize_security_group_ingress().group_id(&group).ip_permissions(http).send().await.expect("HTTP in");
    let imdsv2 = InstanceMetadataOptionsRequest::builder().http_tokens(HttpTokensState::Required).build();
    c.run_instances()
        .image_id("ami-12c6146b")
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .subnet_id(&public)
        .security_group_ids(&group)
        .metadata_options(imdsv2)
        .tag_specifications(named(ResourceType::Instance, "web"))
        .send()
        .await
        .expect("run the web instance");
}

#[tokio::test]
async fn a_network_checked_by_queries_alone_fails_on_aws_defaults_and_passes_when_built() {
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("lab.toml");
    std::fs::write(&lab, LAB).unwrap();
    let account = Account::moto();

    // A fresh region: a default VPC with a subnet per zone, its main route table to an internet gateway, and a
    // default security group. None of it is the lab's.
    let fresh = account.grade_lab(&lab, &[]);
    fresh.assert_statuses(&[("lab-vpc", "fail"), ("public-route", "fail"), ("http-open", "fail"), ("imdsv2", "fail")]);
    let validators = dir.path().join("validators.toml");
    std::fs::write(&validators, VALIDATORS_LAB).unwrap();
    let fresh = account.grade_lab(&validators, &[]);
    let all_fail = [
        ("vpc", "fail"),
        ("igw", "fail"),
        ("public", "fail"),
        ("private", "fail"),
        ("http", "fail"),
        ("ssh", "fail"),
        ("server", "fail"),
    ];
    fresh.assert_statuses(&all_fail);

    build_network(&account).await;
    let built = account.grade_lab(&lab, &[]);
    built.assert_statuses(&[("lab-vpc", "pass"), ("public-route", "pass"), ("http-open", "pass"), ("imdsv2", "pass")]);
    // Four collections, each one call (moto answers in one page) beside STS's, all in one round trip.
    let stats = &built.report.stats;
    for operation in
        ["ec2:DescribeVpcs", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances"]
    {
        assert_eq!(stats.api_calls.get(operation), Some(&1), "{operation}: {stats:?}");
    }
    assert_eq!(stats.round_trips, 1, "{stats:?}");
    let judged = account.grade_lab(&validators, &[]);
    let all_pass = [
        ("vpc", "pass"),
        ("igw", "pass"),
        ("public", "pass"),
        ("private", "pass"),
        ("http", "pass"),
        ("ssh", "pass"),
        ("server", "pass"),
    ];
    judged.assert_statuses(&all_pass);
    assert_eq!(judged.message("public"), "VPC lab-vpc has 1 public subnet in 1 Availability Zone");
}

#[test]
fn the_policy_of_a_network_lab_allows_each_describe_it_makes_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("lab.toml");
    std::fs::write(&lab, LAB).unwrap();
    let out = offline(&["policy", lab.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let policy: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut actions: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_else(|| vec![s["Action"].clone()]))
        .map(|a| a.as_str().unwrap().to_owned())
        .filter(|a| a.starts_with("ec2:"))
        .collect();
    actions.sort();
    let expected =
        ["ec2:DescribeInstances", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"];
    assert_eq!(actions, expected, "{policy}");
}
