# Las frases de labcheck en español. Mismos ids y variables que en.ftl (una prueba lo comprueba).
# Las variables son datos de la cuenta o del laboratorio (nombres, ids, rutas) y se muestran tal cual.
# Tuteo, como en la consola de AWS en español.

## Cómo se escriben las listas

list-and = { $init } y { $last }
list-separator = {", "}
clause-separator = {"; "}

## Lectura de la cuenta

read-error = no se pudo leer { $operation } ({ $kind ->
        [access_denied] acceso denegado
        [throttled] AWS limitó las peticiones
        [timeout] se agotó el tiempo
        [network] no se pudo conectar
        [malformed] respuesta mal formada
        [service] error del servicio
       *[not_collected] error interno
    }): { $detail }
read-timed-out = se agotó el tiempo tras { $seconds } s leyendo la cuenta
not-checked = sin comprobar: requiere que antes se supere { $checks }
not-checked-because = «{ $title }» ({ $status ->
        [fail] falló
        [error] no se pudo comprobar
       *[skip] sin comprobar
    })

## API REST, recursos y métodos

rest-api-missing = no hay ninguna API REST llamada { $name }
rest-apis-none-passes = { $count } API REST se llaman { $name } y ninguna cumple; { $id }: { $problem }
method-missing-resource = { $method } no existe (no hay recurso { $path })
method-missing-resource-similar = { $method } no existe (no hay recurso { $path }; hay { $found })
method-missing-verb = { $method } no existe (no hay método { $verb })
rest-api-missing-none-in-account = no hay ninguna API REST llamada { $name } (la cuenta no tiene API REST)
rest-api-missing-found = no hay ninguna API REST llamada { $name } (hay: { $found })
rest-api-exists = la API REST { $name } existe ({ $id })
rest-apis-named = { $count } API REST se llaman { $name } ({ $ids })
resources-exist = { $name } tiene los recursos { $paths }
resources-missing = { $name } no tiene { $count ->
        [one] el recurso
       *[other] los recursos
    } { $paths }
path = { $path }
path-found-instead = { $path } (hay { $found })
on-api = en { $name }: { $problems }
methods-exist = { $methods } { $count ->
        [one] existe
       *[other] existen
    } en { $name }
api-key-required = { $methods } en { $name } { $count ->
        [one] exige
       *[other] exigen
    } una clave de API
api-key-not-required = { $methods } no { $count ->
        [one] exige
       *[other] exigen
    } una clave de API
method-no-integration = { $method } no tiene integración

## CORS

cors-key-required = { $method } requiere una clave de API, que la comprobación previa de un navegador nunca lleva (responde 403)
cors-authorized = { $method } requiere autorización { $authorization }, que la comprobación previa de un navegador nunca lleva (responde 403)
cors-not-mock = { $method } es una integración { $kind }, no MOCK
cors-headers-missing = { $method } no establece { $headers }
cors-configured = { $methods } en { $name } { $count ->
        [one] responde
       *[other] responden
    } con { $headers }

## Limpieza

resource-gone = no queda { $kind ->
        [rest-api] ninguna API REST llamada
        [usage-plan] ningún plan de uso llamado
       *[api-key] ninguna clave de API llamada
    } { $name }
resource-left = { $count ->
        [one] { $kind ->
            [rest-api] la API REST
            [usage-plan] el plan de uso
           *[api-key] la clave de API
        } { $name } sigue existiendo ({ $ids })
       *[other] siguen existiendo { $count } { $kind ->
            [rest-api] API REST llamadas
            [usage-plan] planes de uso llamados
           *[api-key] claves de API llamadas
        } { $name } ({ $ids })
    }
functions-gone = no queda ninguna función Lambda que coincida con { $patterns }
functions-left = { $count ->
        [one] la función Lambda { $names } sigue existiendo
       *[other] las funciones Lambda { $names } siguen existiendo
    }
problems = { $problems }

## La función Lambda detrás de la API

method-on-api-no-integration = { $method } en { $name } no tiene integración
method-not-lambda = { $method } en { $name } no invoca una función Lambda (integración { $kind })
function-missing = { $method } en { $api } se integra con la función Lambda { $function }, que no existe
function-invoked = { $method } en { $api } invoca la función Lambda { $function } (tiempo de ejecución { $runtime }, controlador { $handler })
versions-published = la función Lambda { $function } tiene publicadas las versiones { $versions }
versions-none = la función Lambda { $function } no tiene ninguna versión publicada (solo $LATEST)
versions-too-few = la función Lambda { $function } tiene { $count ->
        [one] { $count } versión publicada
       *[other] { $count } versiones publicadas
    } ({ $versions }); se necesitan { $min }
aliases-exist = la función Lambda { $function } tiene los alias { $aliases }
aliases-missing-none = la función Lambda { $function } no tiene { $count ->
        [one] el alias
       *[other] los alias
    } { $aliases } (no tiene ningún alias)
aliases-missing = la función Lambda { $function } no tiene { $count ->
        [one] el alias
       *[other] los alias
    } { $aliases } (alias: { $found })
alias-missing = la función Lambda { $function } no tiene el alias { $alias }
alias-at-latest = el alias { $alias } de { $function } apunta a $LATEST, no a una versión publicada
alias-at-published = el alias { $alias } de { $function } apunta a la versión publicada { $version }
alias-at-unpublished = el alias { $alias } de { $function } apunta a la versión { $version }, que no está publicada

## Integraciones de proxy Lambda

not-proxy = { $method } es una integración { $kind }, no una integración de proxy Lambda (AWS_PROXY)
proxy-not-lambda = { $method } no invoca una función Lambda
proxy-not-post = { $method } llama a Lambda con { $found }, no con POST (Lambda solo se invoca con POST; cualquier otro método responde 500)
proxy-fixed-alias = { $method } invoca { $function }, no un alias elegido por una variable de etapa
proxy-other-variable = { $method } elige el alias con { $found }, no con { $wanted }
methods-invoke = { $methods } invoca { $function }
proxy-different-functions = los métodos invocan funciones distintas: { $each }
proxy-integrations = { $methods } en { $name } { $count ->
        [one] es una integración de proxy Lambda
       *[other] son integraciones de proxy Lambda
    } con { $functions }

## Quién puede invocar la función

policy-missing = { $function } no tiene política de recursos
method-on-stage = { $method } en { $stage }
denied-by = { $method } en { $stage } (denegado por la instrucción { $sid })
denied-by-unnamed = { $method } en { $stage } (denegado por una instrucción sin Sid)
policy-unjudged = { $method } en { $stage } (la política tiene una { $what }, que labcheck no evalúa)
policy-refuses = la política de recursos de { $function } no permite que API Gateway la invoque para { $requests }
policy-allows = API Gateway puede invocar { $functions } para { $methods }
policy-negated-statement = instrucción con { $element }
policy-condition-not-object = condición { $operator } que no es un objeto
policy-condition-unknown = condición { $operator } sobre { $key }
policy-condition-no-values = condición { $operator } sobre { $key } sin valores de texto

## Etapas

stages-deployed = { $name } está implementada en { $stages }
stages-missing-none = { $name } no tiene { $count ->
        [one] la etapa
       *[other] las etapas
    } { $stages } (no tiene ninguna etapa)
stages-missing = { $name } no tiene { $count ->
        [one] la etapa
       *[other] las etapas
    } { $stages } (etapas: { $found })
alias-not-by-variable = { $method } en { $name } no elige el alias de Lambda con una variable de etapa, así que las etapas no pueden elegirlo
variable-other-value = la etapa { $stage } define { $variable } = { $value }, no { $expected }
variable-unset = la etapa { $stage } no define la variable de etapa { $variable }
variable-selects-aliases = la variable de etapa { $variable } elige el alias de cada etapa: { $pairs }
cache-cluster = la etapa { $stage } de { $name } tiene un clúster de caché ({ $size } GB)
cache-cluster-off = la etapa { $stage } de { $name } no tiene activado el clúster de caché
caching-off = ningún ajuste de método de la etapa { $stage } de { $name } activa la caché
caching-zero-ttl = la caché está activada para { $settings } de la etapa { $stage } de { $name }, pero con un tiempo de vida de 0 s, que no guarda nada en caché
caching-on = la etapa { $stage } de { $name } guarda en caché { $settings }

## Limitación

throttle-rate = { $path } a { $rate } solicitudes/s
throttle-rate-burst = { $path } a { $rate } solicitudes/s, ráfaga { $burst }
stage-throttles = la etapa { $stage } de { $name } limita { $limits }
plan-throttles = el plan de uso { $plan } limita a { $rate } solicitudes/s
no-throttling = la etapa { $stage } de { $name } no tiene ninguna limitación por debajo del valor predeterminado de la cuenta
no-throttling-nor-plan = la etapa { $stage } de { $name } no tiene ninguna limitación por debajo del valor predeterminado de la cuenta, y el plan de uso { $plan } no tiene limitación

## Planes de uso y claves de API

plan-missing = no hay ningún plan de uso llamado { $plan }
plan-missing-none-in-account = no hay ningún plan de uso llamado { $plan } (la cuenta no tiene planes de uso)
plan-missing-found = no hay ningún plan de uso llamado { $plan } (hay: { $found })
plan-without-api = el plan de uso { $plan } existe, pero no hay ninguna API REST llamada { $name } a la que asociarlo
plan-bound = el plan de uso { $plan } está asociado a las etapas { $stages } de { $name }
plan-unbound-no-stages = el plan de uso { $plan } no está asociado a { $name } (no tiene etapas de API)
plan-bound-elsewhere = el plan de uso { $plan } no está asociado a { $name } (solo está asociado a { $stages })
plan-bound-partly = el plan de uso { $plan } solo está asociado a { $name }/{ $bound }; { $count ->
        [one] falta
       *[other] faltan
    } { $missing }
plan-limited = el plan de uso { $plan } limita a { $rate } solicitudes/s (ráfaga { $burst }) con una cuota de { $limit } por { $period ->
        [day] día
        [week] semana
        [month] mes
       *[other] { $period }
    }
plan-limits = el plan de uso { $plan } { $limits ->
        [quota-only] tiene cuota pero no limitación
        [throttle-only] tiene limitación pero no cuota
       *[none] no tiene ni limitación ni cuota
    }
key-missing = no hay ninguna clave de API llamada { $key }
key-without-plan = la clave de API { $key } existe, pero no hay ningún plan de uso llamado { $plan } al que añadirla
key-in-plan = la clave de API { $key } está activada y es una clave del plan de uso { $plan }
key-disabled = la clave de API { $key } es una clave del plan de uso { $plan }, pero está desactivada
key-not-in-plan = la clave de API { $key } existe, pero no es una clave del plan de uso { $plan }

## Solicitudes a las etapas implementadas

stages-undeployed = { $count ->
        [one] la etapa { $stages } de { $name } no está implementada
       *[other] las etapas { $stages } de { $name } no están implementadas
    }
requests-on-stages = { $requests } en { $stages }
requests = { $requests }
probe-response = { $answer }
probe-no-key-asked = nada: no se pidió ninguna clave
probe-not-sent = nada (no se envió)
probe-no-allow-origin = { $status } sin Access-Control-Allow-Origin
probe-key-missing = no hay ninguna clave de API llamada { $key } que enviar
probe-backend-failed = { $answer }: se aceptó la clave, pero falló la integración detrás del método
probe-not-json = { $answer }, no el JSON que responde el backend
probe-unexpected = { $how ->
        [unauthenticated] sin clave de API
        [authenticated] con la clave { $key }
       *[preflight] como solicitud preliminar de CORS
    }, { $requests } { $count ->
        [one] respondió
       *[other] respondieron
    } { $answer }
probe-expected = { $how ->
        [unauthenticated] sin clave de API, { $requests } { $count ->
            [one] respondió
           *[other] respondieron
        } 403 Forbidden
        [authenticated] con la clave { $key }, { $requests } { $count ->
            [one] respondió
           *[other] respondieron
        } con el JSON del backend
       *[preflight] como solicitud preliminar de CORS, { $requests } { $count ->
            [one] respondió
           *[other] respondieron
        } con Access-Control-Allow-Origin
    }

## Lambda: rol de ejecución y entorno

environment-has = { $function } tiene { $count ->
        [one] la variable de entorno
       *[other] las variables de entorno
    } { $names }
environment-empty = { $function } no tiene variables de entorno (necesita { $names })
environment-missing = a { $function } le { $count ->
        [one] falta la variable de entorno
       *[other] faltan las variables de entorno
    } { $names } (tiene { $found })

## Roles de IAM y sus políticas

role-missing = no hay ningún rol de IAM llamado { $role }
function-without-role = { $function } no tiene rol de ejecución
execution-role-missing = el rol de ejecución de { $function }, { $role }, no existe
role-trusts = { $service } puede asumir { $role }
role-does-not-trust = la política de confianza de { $role } no permite que { $service } lo asuma
role-trust-denied = la política de confianza de { $role } deniega a { $service }
role-trust-unjudged = la política de confianza de { $role } tiene una { $what }, que labcheck no evalúa, así que la confianza en { $service } no está demostrada
role-allows = { $role } permite { $actions } sobre { $resource }
role-refuses = { $role } sobre { $resource }: { $problems }
action-not-allowed = ninguna instrucción permite { $action }
action-denied = { $policy } deniega { $action }
action-unjudged = { $action } depende de una { $what }, que labcheck no evalúa
role-least-privilege = { $role } no permite nada más de lo que indica el laboratorio ({ $count ->
        [one] una política
       *[other] { $count } políticas
    })
role-too-broad = { $role } permite más de lo que indica el laboratorio ({ $count ->
        [one] un permiso
       *[other] { $count } permisos
    } de más): { $problems }
policy-allows-beyond = { $policy } permite { $action } sobre { $resource }
policy-allows-all-but = { $policy } lo permite todo salvo lo que indica su { $element }
policy-effect-unknown = instrucción con Effect "{ $effect }"
policy-statement-without-action = instrucción sin Action ni NotAction
policy-statement-without-resource = instrucción sin Resource ni NotResource
policy-statement-without-principal = instrucción sin Principal ni NotPrincipal
policy-variable = variable de política en { $resource }

## Tablas de DynamoDB

table-going-away = la tabla { $table } está en estado { $status }: se está borrando o archivando, o no se puede usar su clave de KMS
table-missing = no hay ninguna tabla de DynamoDB { $table } en esta región
table-exists = la tabla { $table } existe, con clave { $key } y facturación { $billing }
table-wrong = tabla { $table }: { $problems }
table-key-unexpected = tiene una clave de { $role ->
        [partition] partición
       *[sort] ordenación
    } { $found } que el laboratorio no pide
table-key-missing = no tiene clave de { $role ->
        [partition] partición
       *[sort] ordenación
    } (necesita { $key })
table-key-other = su clave de { $role ->
        [partition] partición
       *[sort] ordenación
    } es { $found }, no { $key }
table-key-type = su clave de { $role ->
        [partition] partición
       *[sort] ordenación
    } { $key } es de tipo { $found }, no { $kind }
table-billing = se factura como { $found }, no { $mode }
table-pitr-on = la recuperación a un momento dado está activada en la tabla { $table }
table-pitr-off = la recuperación a un momento dado está desactivada en la tabla { $table }
table-ttl-on = el tiempo de vida está activado en la tabla { $table } (atributo { $attribute })
table-ttl-off = el tiempo de vida está desactivado en la tabla { $table }
table-ttl-other = el tiempo de vida de la tabla { $table } usa el atributo { $found }, no { $attribute }

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

## Consultas que escribe el autor del laboratorio (facts_query)

query-result = { $query } dio { $result }
query-failed = se esperaba { $expected } ({ $query } dio { $result })
query-not-truthy = se esperaba un valor verdadero ({ $query } dio { $result })
query-failed-because = { $message } ({ $query } dio { $result })

## Las palabras de los informes (lista, vista en directo, Markdown, HTML, anotaciones de CI)

report-status = { $status ->
        [pass] superada
        [fail] fallida
        [error] no se pudo comprobar
       *[skip] sin comprobar
    }
report-count = { $status ->
        [pass] { $count ->
            [one] { $count } superada
           *[other] { $count } superadas
        }
        [fail] { $count ->
            [one] { $count } fallida
           *[other] { $count } fallidas
        }
        [error] { $count ->
            [one] { $count } no se pudo comprobar
           *[other] { $count } no se pudieron comprobar
        }
       *[skip] { $count } sin comprobar
    }
report-status-label = { $status ->
        [error] error
       *[skip] sin comprobar
    }
report-account = cuenta { $account }
report-unknown-account = cuenta desconocida
report-score = Puntuación { $score }/{ $max }
report-hint = pista:
report-hint-sentence = Pista: { $hint }
report-hint-label = Pista
report-stats = Llamadas a la API de AWS: { $total } ({ $calls }) · solicitudes HTTP enviadas: { $requests } · sondeos: { $probes } · idas y vueltas: { $round_trips } · rondas: { $rounds }
report-stats-none = ninguna
report-step-complete = paso completado
report-step-completed = paso completado: { $step }
report-score-line = puntuación { $score }/{ $max }
report-watching = se vuelve a comprobar cada { $seconds } s · Ctrl-C para parar
report-check-title = Comprobación
report-points-title = Puntos
report-details-title = Detalles
report-annotation = { $lab }: { $check } { $status ->
        [fail] falló
       *[error] no se pudo comprobar
    }

## El progreso de un alumno

progress-cleanup-too-early = cuenta cuando se haya superado { $steps } en una calificación anterior
progress-not-graded = aún sin calificar
report-passed-at = superada el { $when }

## The learner page (GET /learn/{session}).
page-title = { $lab } · mi progreso
page-best = Tu mejor resultado: { $score } de { $max } puntos
page-check-lab = Comprobar mi progreso
page-check-step = Comprobar «{ $step }»
page-checking-lab = Comprobando las { $count } comprobaciones…
page-checking = Comprobando { $checks }…
page-checked = Comprobado: { $score } de { $max } puntos. { $missing ->
    [0] Todo está hecho.
    [one] Falta una comprobación.
   *[other] Faltan { $missing } comprobaciones.
}
page-status-pass = hecho
page-status-fail = aún no
page-status-error = no se pudo comprobar
page-status-skip = aún sin comprobar
page-last-checked = Última comprobación: { $when }
page-never-checked = Aún sin comprobar: pulsa «Comprobar mi progreso» cuando estés listo.
page-not-kept = No se pudo guardar este resultado: se muestra, pero tu mejor resultado no cambió.
page-could-not-check = No se pudo comprobar ahora: { $reason }
page-offline = La comprobación no llegó al servicio. Revisa tu conexión e inténtalo de nuevo.
page-open-title = Abrir mi lista de comprobación
page-open-help = Tu plataforma de laboratorios abre esta página por ti. Si te dio un código de acceso, pégalo aquí.
page-open-label = Código de acceso
page-open-button = Abrir
page-refused-invalid = Este enlace no abre ninguna lista. Ábrela de nuevo desde tu plataforma de laboratorios.
page-refused-expired = Esta sesión ha caducado. Abre la lista de nuevo desde tu plataforma de laboratorios.
page-refused-revoked = Esta sesión se cerró. Abre la lista de nuevo desde tu plataforma de laboratorios.

## LTI (an LMS launching learners; scores to its gradebook).
lti-comment-done = Todas las comprobaciones pasaron.
lti-comment-missing = { $count ->
    [one] Falta una comprobación:
   *[other] Faltan { $count } comprobaciones:
}
lti-refused-title = No se pudo abrir este laboratorio
lti-refused = Se rechazó el inicio desde tu LMS: { $reason }. Abre el laboratorio de nuevo desde tu curso; si vuelve a pasar, avisa a tu instructor.
lti-opening = Abriendo el laboratorio…
lti-opening-no-script = Tu navegador necesita JavaScript para abrir este laboratorio desde tu curso.

## La vista de la clase (la de un instructor o un autor de laboratorios sobre una clase en un laboratorio).
cohort-rule-same-reason = al menos { $learners } estudiantes, y al menos un tercio de quienes la intentaron, la fallan ahora con el mismo mensaje tras reintentarla, aunque pasaron todas las comprobaciones que necesita
cohort-rule-low-pass-rate = al menos { $learners } estudiantes la resolvieron (la pasaron, o la fallan tras reintentarla) y su tasa de aprobados entre ellos es menor que la mitad de la media de las otras comprobaciones de su paso
cohort-title = { $lab } · vista de la clase
cohort-summary = { $learners ->
    [one] Un estudiante
   *[other] { $learners } estudiantes
}, a { $when }
cohort-funnel = Pasos completados
cohort-funnel-help = Cuántos estudiantes pasaron todas las comprobaciones de cada paso, y la mediana del tiempo que les llevó.
cohort-funnel-row = { $step }: { $completed } de { $learners } ({ $percent })
cohort-median = mediana { $time }
cohort-stuck-map = Dónde se atascan los estudiantes
cohort-stuck-help = Cada cuadro es una comprobación, en el orden del laboratorio, con los estudiantes atascados en ella: es su primera comprobación sin pasar. Cuanto más oscuro el cuadro, mayor la parte de la clase.
cohort-stuck-cell = { $check }: { $stuck } atascados ({ $percent })
cohort-finished = { $learners ->
    [one] Un estudiante pasó todas las comprobaciones.
   *[other] { $learners } estudiantes pasaron todas las comprobaciones.
}
cohort-checks = Comprobaciones
cohort-col-check = Comprobación
cohort-col-attempted = Intentada
cohort-col-passed = Pasada
cohort-col-first-try = A la primera
cohort-col-gradings = Evaluaciones hasta pasar
cohort-col-time = Tiempo hasta pasar
cohort-col-stuck = Atascados aquí
cohort-col-reasons = Motivos de fallo más frecuentes
cohort-col-flag = Aviso
cohort-gradings = { $median } (p90 { $p90 })
cohort-stuck-for = { $stuck } (mediana { $time })
cohort-reason = { $id } ×{ $count }
cohort-flag-same-reason = muchos fallan igual
cohort-flag-low-pass-rate = tasa de aprobados muy por debajo de su paso
cohort-may-be-broken = puede estar mal
cohort-learners = Estudiantes
cohort-col-learner = Estudiante
cohort-col-score = Puntos
cohort-col-last-activity = Última actividad
cohort-col-on-check = En la comprobación
cohort-all-passed = todo pasado
cohort-learners-more = …y { $count } más: el CSV de estudiantes (--format learners-csv) los tiene todos.
cohort-rules = Cómo se cuenta cada cifra
cohort-rule-attempted = Intentada: estudiantes que la intentaron: un veredicto (pasa o falla) una vez que la habían alcanzado (pasadas todas las comprobaciones que necesita, u otra de su paso) y habían cambiado su cuenta desde su evaluación anterior; una evaluación que no pudo leer la cuenta no juzga nada.
cohort-rule-first-try = A la primera: la parte de quienes la intentaron que la pasó en su primer intento.
cohort-rule-gradings = Evaluaciones hasta pasar: los intentos que hicieron falta, el que pasa incluido (mediana y percentil 90, por rango más cercano), entre quienes la pasaron.
cohort-rule-time = Tiempo hasta pasar: del primer intento al primer aprobado (mediana).
cohort-rule-stuck = Atascados aquí: estudiantes cuya primera comprobación sin pasar, en el orden del laboratorio, es esta; el tiempo cuenta desde su primer intento.
cohort-rule-reasons = Motivos de fallo: los fallos por mensaje, en todas las evaluaciones; el ejemplo es el mensaje actual de un estudiante.
cohort-rule-funnel = Pasos completados: estudiantes que pasaron todas las comprobaciones del paso; el tiempo va del primer veredicto en una de ellas al último primer aprobado.
cohort-percent = { $percent } %
cohort-seconds = { $n } s
cohort-minutes = { $n } min
cohort-hours = { $n } h
cohort-days = { $n } d
