# Las frases de S3 en español: las de sus validadores (un catálogo con src/i18n/es.ftl; mismos ids y
# variables que su en.ftl).

## Buckets de S3

bucket-missing = no hay ningún bucket llamado { $bucket } en esta región ({ $count ->
        [0] la región no tiene buckets
        [one] la región tiene otro bucket
       *[other] la región tiene otros { $count } buckets
    })
bucket-bound = { $verdict } (se juzgó { $bucket }, uno de { $count } buckets llamados { $pattern }: todas las comprobaciones juzgan el mismo, el que aloja un sitio web o si no el primero por nombre)
bucket-exists = el bucket { $bucket } existe
bucket-versioning-on = el control de versiones está activado en { $bucket }
bucket-versioning-off = el control de versiones está { $status ->
        [Suspended] suspendido
       *[other] desactivado
    } en { $bucket }
bucket-encryption-on = { $bucket } cifra los objetos nuevos de forma predeterminada ({ $algorithm })
bucket-encryption-none = { $bucket } no tiene cifrado predeterminado
bucket-encryption-other = { $bucket } cifra de forma predeterminada con { $found }, no { $algorithm }
bucket-lifecycle-noncurrent = { $bucket } elimina las versiones no actuales a los { $days } días (regla { $rule })
bucket-lifecycle-none = { $bucket } no tiene ninguna regla de ciclo de vida
bucket-lifecycle-no-noncurrent = ninguna regla de ciclo de vida de { $bucket } ({ $count }) elimina las versiones no actuales
bucket-lifecycle-disabled = la regla { $rule } de { $bucket } eliminaría las versiones no actuales, pero está desactivada
bucket-lifecycle-partial = la regla { $rule } de { $bucket } solo se aplica a { $filtered ->
        [true] objetos con ciertas etiquetas o tamaños
       *[other] claves bajo { $prefix }
    }, no a todo el bucket
bucket-lifecycle-too-long = la regla { $rule } de { $bucket } conserva las versiones no actuales { $days } días, más de { $within }
bucket-lifecycle-expires-current = la regla { $rule } de { $bucket } también hace caducar los objetos actuales: eliminaría las páginas del sitio
bucket-policy-none = { $bucket } no tiene política de bucket
bucket-policy-no-public-read = ninguna instrucción permite a todo el mundo leer los objetos de { $bucket } (s3:GetObject sobre arn:aws:s3:::{ $bucket }/*)
bucket-policy-allows-more = la instrucción { $sid } también permite a todo el mundo { $actions }
bucket-policy-denies-read = la instrucción { $sid } deniega s3:GetObject a todo el mundo
bucket-policy-read-unjudged = que todo el mundo pueda leer sus objetos depende de una { $what }, que labcheck no evalúa
bucket-policy-negated = la instrucción { $sid } usa { $element }
bucket-public-read = todo el mundo puede leer los objetos de { $bucket }, y nada más
bucket-public-wrong = { $bucket }: { $problems }
bucket-public-blocked = { $scope ->
        [account] el bloqueo de acceso público de la cuenta
       *[bucket] el bloqueo de acceso público de { $bucket }
    } restringe los buckets públicos (RestrictPublicBuckets), así que su política pública no da acceso a nadie
bucket-private-blocked = { $scope ->
        [account] el bloqueo de acceso público de la cuenta
       *[bucket] el bloqueo de acceso público de { $bucket }
    } restringe los buckets públicos (RestrictPublicBuckets)
bucket-private = la política de { $bucket } no concede nada al público
bucket-public-granted = la política de { $bucket } concede acceso al público y nada lo bloquea
bucket-website-on = { $bucket } aloja un sitio web (documento de índice { $index })
bucket-website-off = el alojamiento de sitios web está desactivado en { $bucket }
bucket-website-redirects = { $bucket } redirige todas las solicitudes a { $target } en lugar de alojar un sitio web
bucket-website-wrong = el sitio web de { $bucket }: { $problems }
bucket-website-document = su documento de { $kind ->
        [index] índice
       *[error] error
    } es "{ $found }", no { $expected }
bucket-object-found = { $bucket } tiene { $key } ({ $size } bytes)
bucket-object-missing = { $bucket } no tiene el objeto { $key } ({ $count ->
        [0] el bucket está vacío
        [one] tiene otro objeto
       *[other] tiene otros { $count } objetos
    })
bucket-object-similar = { $bucket } no tiene el objeto { $key } (hay { $found })
bucket-object-not-listed = { $key } no está entre los primeros { $count } objetos de { $bucket }
website-serves = { $url } responde { $status }
website-status = { $url } responde { $status }, no { $expected }
website-body = { $url } responde { $status } sin "{ $text }" en la página
