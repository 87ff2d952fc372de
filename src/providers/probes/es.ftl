# Las frases de las sondas en español: las de sus validadores (un catálogo con src/i18n/es.ftl; mismos ids y
# variables que su en.ftl).

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
