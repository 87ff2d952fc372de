# The probes's sentences in English, its validators': one catalogue with src/i18n/en.ftl, which every
# language is held to (same ids, same variables).

## Requests sent to deployed stages

stages-undeployed = stage { $stages } of { $name } { $count ->
        [one] is
       *[other] are
    } not deployed
requests-on-stages = { $requests } on { $stages }
requests = { $requests }
# A status code and the start of the body, as API Gateway answered.
probe-response = { $answer }
probe-no-key-asked = nothing: no key was asked for
probe-not-sent = nothing (not sent)
probe-no-allow-origin = { $status } without Access-Control-Allow-Origin
probe-key-missing = there is no API key named { $key } to send
# A 5xx that API Gateway sent after taking the key: the integration behind the method failed.
probe-backend-failed = { $answer }: the key was taken, but the integration behind the method failed
probe-not-json = { $answer }, not the JSON the backend answers
# $how is unauthenticated, authenticated (with the key named $key) or preflight; $count is how many requests
# (English "answered" is the same for one or many, languages whose verb agrees select on it).
probe-unexpected = { $how ->
        [unauthenticated] without an API key
        [authenticated] with key { $key }
       *[preflight] as a CORS preflight
    }, { $requests } { $count ->
       *[other] answered
    } { $answer }
probe-expected = { $how ->
        [unauthenticated] without an API key, { $requests } answered 403 Forbidden
        [authenticated] with key { $key }, { $requests } { $count ->
           *[other] answered
        } the backend's JSON
       *[preflight] as a CORS preflight, { $requests } answered with Access-Control-Allow-Origin
    }
