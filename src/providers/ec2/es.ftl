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

## Grupos de seguridad

sg-missing = no hay ningún grupo de seguridad llamado { $group }
sg-several = { $count } grupos de seguridad se llaman { $group }: elimine los que el laboratorio no usa
sg-allows = el grupo de seguridad { $group } deja entrar TCP { $port } desde { $from }
sg-does-not-allow = el grupo de seguridad { $group } no deja entrar TCP { $port } desde { $from }
sg-open = el grupo de seguridad { $group } deja entrar el puerto { $port } desde cualquier lugar (por una regla para { $range ->
        [all] todos los protocolos y puertos
       *[other] { $range }
    }): elimine esa regla o limítela a su propia dirección
sg-not-open = el grupo de seguridad { $group } no deja entrar el puerto { $port } desde cualquier lugar

## Instancias

instance-missing = no hay ninguna instancia llamada { $instance }
instance-terminated = la instancia { $instance } fue terminada: láncela de nuevo
instance-wrong = instancia { $instance }: { $problems }
instance-ok = la instancia { $instance } está en ejecución como pide el laboratorio
instance-state = está { $state ->
        [stopped] detenida
        [stopping] deteniéndose
       *[other] en estado { $state }
    }
instance-pending = aún se está iniciando: compruebe de nuevo en un minuto
instance-not-public-subnet = está en la subred { $subnet }, cuya tabla de rutas no envía 0.0.0.0/0 a una gateway de internet
instance-in-public-subnet = está en la subred { $subnet }, cuya tabla de rutas envía 0.0.0.0/0 a una gateway de internet: debe estar en una subred privada
instance-no-public-address = no tiene dirección IPv4 pública
instance-public-address = tiene la dirección pública { $address }: no debería tener ninguna
instance-imdsv1 = permite IMDSv1 (los tokens de metadatos son opcionales, no obligatorios)
instance-not-in-group = no está en el grupo de seguridad { $group }
instance-no-profile = no tiene perfil de instancia de IAM

## Limpieza

instance-gone = la instancia { $instance } está terminada o ya no existe
instance-left = la instancia { $instance } sigue ahí ({ $state }): termínela
nat-gone = la VPC { $vpc } no tiene ninguna gateway NAT ni IP elástica sin usar
nat-left = la VPC { $vpc } aún tiene una gateway NAT ({ $state }): elimínela
addresses-left = { $count } { $count ->
        [one] IP elástica sigue asignada y sin usar
       *[other] IP elásticas siguen asignadas y sin usar
    } ({ $addresses }): { $count ->
        [one] libérela
       *[other] libérelas
    }
vpc-gone = la VPC { $vpc } está eliminada
vpc-left = la VPC { $vpc } sigue ahí: elimínela
