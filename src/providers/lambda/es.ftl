# Las frases de Lambda en español: las de sus validadores (un catálogo con src/i18n/es.ftl; mismos ids y
# variables que su en.ftl).

## Limpieza

functions-gone = no queda ninguna función Lambda que coincida con { $patterns }
functions-left = { $count ->
        [one] la función Lambda { $names } sigue existiendo
       *[other] las funciones Lambda { $names } siguen existiendo
    }

## La función Lambda detrás de la API

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
denied-by = { $method } en { $stage } (denegado por la instrucción { $sid })
denied-by-unnamed = { $method } en { $stage } (denegado por una instrucción sin Sid)
policy-unjudged = { $method } en { $stage } (la política tiene una { $what }, que labcheck no evalúa)
policy-refuses = la política de recursos de { $function } no permite que API Gateway la invoque para { $requests }
policy-allows = API Gateway puede invocar { $functions } para { $methods }

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
