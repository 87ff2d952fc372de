# EC2's and the VPC's sentences in English, its validators': one catalogue with src/i18n/en.ftl, which every
# language is held to (same ids, same variables).

## A lab's VPC and its parts

vpc-missing = there is no VPC named { $vpc } in this region
vpc-is-default = VPC { $vpc } is the region's default VPC: create a VPC of your own for the lab
vpc-several = { $count } VPCs are named { $vpc }: delete the ones the lab does not use
vpc-cidr = VPC { $vpc } has the IPv4 block { $found }, not { $cidr }
vpc-exists = VPC { $vpc } exists ({ $cidr })
vpc-subnets-few = VPC { $vpc } has { $found } { $found ->
         [one] { $kind ->
             [public] public subnet
             [private] private subnet
            *[private-nat] private subnet routed through a NAT gateway
        }
        *[other] { $kind ->
             [public] public subnets
             [private] private subnets
            *[private-nat] private subnets routed through a NAT gateway
        }
    }, not { $count }
vpc-subnets-one-zone = VPC { $vpc } has its { $kind ->
        [public] public subnets
        [private] private subnets
       *[private-nat] private subnets routed through a NAT gateway
    } in { $found } { $found ->
        [one] Availability Zone
       *[other] Availability Zones
    }, not { $zones }
vpc-subnets = VPC { $vpc } has { $found } { $found ->
         [one] { $kind ->
             [public] public subnet
             [private] private subnet
            *[private-nat] private subnet routed through a NAT gateway
        }
        *[other] { $kind ->
             [public] public subnets
             [private] private subnets
            *[private-nat] private subnets routed through a NAT gateway
        }
    } in { $zones } { $zones ->
        [one] Availability Zone
       *[other] Availability Zones
    }
vpc-igw-attached = an internet gateway is attached to VPC { $vpc }
vpc-igw-missing = no internet gateway is attached to VPC { $vpc }
vpc-nat-missing = VPC { $vpc } has no NAT gateway
vpc-nat-private = the NAT gateway of VPC { $vpc } is private or has no Elastic IP: create a public NAT gateway with an Elastic IP
vpc-nat-in-private-subnet = the NAT gateway of VPC { $vpc } is in subnet { $subnet }, which has no route to the internet gateway: put it in a public subnet
vpc-nat-pending = the NAT gateway of VPC { $vpc } is still being created: check again in a minute
vpc-nat = VPC { $vpc } has a NAT gateway with an Elastic IP in its public subnet { $subnet }

## Security groups

sg-missing = there is no security group named { $group }
sg-several = { $count } security groups are named { $group }: delete the ones the lab does not use
sg-allows = security group { $group } lets TCP { $port } in from { $from }
sg-does-not-allow = security group { $group } does not let TCP { $port } in from { $from }
sg-open = security group { $group } lets port { $port } in from anywhere (by a rule for { $range ->
        [all] every protocol and port
       *[other] { $range }
    }): remove that rule, or limit it to your own address
sg-not-open = security group { $group } does not let port { $port } in from anywhere

## Instances

instance-missing = there is no instance named { $instance }
instance-terminated = instance { $instance } was terminated: launch it again
instance-wrong = instance { $instance }: { $problems }
instance-ok = instance { $instance } is running as the lab asks
instance-state = it is { $state }
instance-pending = it is still starting: check again in a minute
instance-not-public-subnet = it is in subnet { $subnet }, whose route table does not send 0.0.0.0/0 to an internet gateway
instance-in-public-subnet = it is in subnet { $subnet }, whose route table sends 0.0.0.0/0 to an internet gateway: it belongs in a private subnet
instance-no-public-address = it has no public IPv4 address
instance-public-address = it has the public address { $address }: it should have none
instance-imdsv1 = it allows IMDSv1 (metadata tokens are optional, not required)
instance-not-in-group = it is not in security group { $group }
instance-no-profile = it has no IAM instance profile

## Clean-up

instance-gone = instance { $instance } is terminated or gone
instance-left = instance { $instance } is still there ({ $state }): terminate it
nat-gone = VPC { $vpc } has no NAT gateway and no unused Elastic IP left
nat-left = VPC { $vpc } still has a NAT gateway ({ $state }): delete it
addresses-left = { $count } { $count ->
        [one] Elastic IP is
       *[other] Elastic IPs are
    } still allocated and unused ({ $addresses }): release { $count ->
        [one] it
       *[other] them
    }
vpc-gone = VPC { $vpc } is deleted
vpc-left = VPC { $vpc } is still there: delete it
