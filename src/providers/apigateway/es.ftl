# Las frases de API Gateway en español: las de sus validadores (un catálogo con src/i18n/es.ftl; mismos ids y
# variables que su en.ftl).

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
