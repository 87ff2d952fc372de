# Las frases de EC2 y de la VPC en español: las de sus validadores (un catálogo con src/i18n/es.ftl; mismos ids y
# variables que su en.ftl).

## La VPC del laboratorio y sus partes

vpc-missing = no hay ninguna VPC llamada { $vpc } en esta región
vpc-is-default = la VPC { $vpc } es la VPC predeterminada de la región: cree una VPC propia para el laboratorio
vpc-several = { $count } VPC se llaman { $vpc }: elimine las que el laboratorio no usa
vpc-cidr = la VPC { $vpc } tiene el bloque IPv4 { $found }, no { $cidr }
vpc-exists = la VPC { $vpc } existe ({ $cidr })
vpc-subnets-few = la VPC { $vpc } tiene { $found } { $found ->
         [one] { $kind ->
             [public] subred pública
             [private] subred privada
            *[private-nat] subred privada que sale por una gateway NAT
        }
        *[other] { $kind ->
             [public] subredes públicas
             [private] subredes privadas
            *[private-nat] subredes privadas que salen por una gateway NAT
        }
    }, no { $count }
vpc-subnets-one-zone = la VPC { $vpc } tiene sus { $kind ->
        [public] subredes públicas
        [private] subredes privadas
       *[private-nat] subredes privadas que salen por una gateway NAT
    } en { $found } { $found ->
        [one] zona de disponibilidad
       *[other] zonas de disponibilidad
    }, no { $zones }
vpc-subnets = la VPC { $vpc } tiene { $found } { $found ->
         [one] { $kind ->
             [public] subred pública
             [private] subred privada
            *[private-nat] subred privada que sale por una gateway NAT
        }
        *[other] { $kind ->
             [public] subredes públicas
             [private] subredes privadas
            *[private-nat] subredes privadas que salen por una gateway NAT
        }
    } en { $zones } { $zones ->
        [one] zona de disponibilidad
       *[other] zonas de disponibilidad
    }
vpc-igw-attached = hay una gateway de internet asociada a la VPC { $vpc }
vpc-igw-missing = no hay ninguna gateway de internet asociada a la VPC { $vpc }
vpc-nat-missing = la VPC { $vpc } no tiene gateway NAT
vpc-nat-private = la gateway NAT de la VPC { $vpc } es privada o no tiene IP elástica: cree una gateway NAT pública con una IP elástica
vpc-nat-in-private-subnet = la gateway NAT de la VPC { $vpc } está en la subred { $subnet }, que no tiene ruta a la gateway de internet: póngala en una subred pública
vpc-nat-pending = la gateway NAT de la VPC { $vpc } aún se está creando: compruebe de nuevo en un minuto
vpc-nat = la VPC { $vpc } tiene una gateway NAT con IP elástica en su subred pública { $subnet }
