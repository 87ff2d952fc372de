# API Gateway's sentences in English, its validators': one catalogue with src/i18n/en.ftl, which every
# language is held to (same ids, same variables).

## REST APIs, resources and methods

rest-api-missing = there is no REST API named { $name }
rest-apis-none-passes = { $count } REST APIs are named { $name } and none passes; { $id }: { $problem }
method-missing-resource = { $method } does not exist (no resource { $path })
method-missing-resource-similar = { $method } does not exist (no resource { $path }; found { $found })
method-missing-verb = { $method } does not exist (no { $verb } method)
rest-api-missing-none-in-account = there is no REST API named { $name } (the account has no REST APIs)
rest-api-missing-found = there is no REST API named { $name } (found: { $found })
rest-api-exists = REST API { $name } exists ({ $id })
rest-apis-named = { $count } REST APIs are named { $name } ({ $ids })
resources-exist = { $name } has resources { $paths }
resources-missing = { $name } has no { $count ->
        [one] resource
       *[other] resources
    } { $paths }
# A resource path as written in the lab.
path = { $path }
path-found-instead = { $path } (found { $found })
methods-exist = { $methods } { $count ->
        [one] exists
       *[other] exist
    } on { $name }
api-key-required = { $methods } on { $name } { $count ->
        [one] requires
       *[other] require
    } an API key
api-key-not-required = { $methods } { $count ->
        [one] does
       *[other] do
    } not require an API key
method-no-integration = { $method } has no integration

## CORS

cors-key-required = { $method } requires an API key, which a browser's preflight never carries (it answers 403)
cors-authorized = { $method } requires { $authorization } authorization, which a browser's preflight never carries (it answers 403)
cors-not-mock = { $method } is a { $kind } integration, not MOCK
cors-headers-missing = { $method } does not set { $headers }
cors-configured = { $methods } on { $name } { $count ->
        [one] answers
       *[other] answer
    } with { $headers }

## Cleaning up

resource-gone = no { $kind ->
        [rest-api] REST API
        [usage-plan] usage plan
       *[api-key] API key
    } named { $name } is left
resource-left = { $count ->
        [one] { $kind ->
            [rest-api] REST API
            [usage-plan] usage plan
           *[api-key] API key
        } { $name } still exists ({ $ids })
       *[other] { $count } { $kind ->
            [rest-api] REST APIs
            [usage-plan] usage plans
           *[api-key] API keys
        } named { $name } still exist ({ $ids })
    }

## Stages

stages-deployed = { $name } is deployed to { $stages }
stages-missing-none = { $name } has no { $count ->
        [one] stage
       *[other] stages
    } { $stages } (it has no stages)
stages-missing = { $name } has no { $count ->
        [one] stage
       *[other] stages
    } { $stages } (stages: { $found })
alias-not-by-variable = { $method } on { $name } does not select a Lambda alias by a stage variable, so the stages cannot choose one
variable-other-value = stage { $stage } sets { $variable } = { $value }, not { $expected }
variable-unset = stage { $stage } does not set the stage variable { $variable }
variable-selects-aliases = stage variable { $variable } selects the alias per stage: { $pairs }
cache-cluster = stage { $stage } of { $name } has a cache cluster ({ $size } GB)
cache-cluster-off = stage { $stage } of { $name } has no cache cluster enabled
caching-off = no method setting of stage { $stage } of { $name } enables caching
caching-zero-ttl = caching is on for { $settings } of stage { $stage } of { $name }, but with a time to live of 0 s, which caches nothing
caching-on = stage { $stage } of { $name } caches { $settings }

## Throttling

throttle-rate = { $path } at { $rate } requests/s
throttle-rate-burst = { $path } at { $rate } requests/s, burst { $burst }
stage-throttles = stage { $stage } of { $name } throttles { $limits }
plan-throttles = usage plan { $plan } throttles at { $rate } requests/s
no-throttling = stage { $stage } of { $name } has no throttling below the account default
no-throttling-nor-plan = stage { $stage } of { $name } has no throttling below the account default, and usage plan { $plan } has no throttle

## Usage plans and API keys

plan-missing = no usage plan named { $plan }
plan-missing-none-in-account = no usage plan named { $plan } (the account has no usage plans)
plan-missing-found = no usage plan named { $plan } (found: { $found })
plan-without-api = usage plan { $plan } exists, but there is no REST API named { $name } to bind it to
plan-bound = usage plan { $plan } is bound to { $name } stages { $stages }
plan-unbound-no-stages = usage plan { $plan } is not bound to { $name } (it has no API stages)
plan-bound-elsewhere = usage plan { $plan } is not bound to { $name } (it is bound to { $stages } only)
plan-bound-partly = usage plan { $plan } is bound to { $name }/{ $bound } only; { $missing } { $count ->
        [one] is
       *[other] are
    } missing
plan-limited = usage plan { $plan } throttles at { $rate } requests/s (burst { $burst }) with a quota of { $limit } per { $period ->
        [day] day
        [week] week
        [month] month
       *[other] { $period }
    }
# What a usage plan lacks: none, quota-only or throttle-only.
plan-limits = usage plan { $plan } { $limits ->
        [quota-only] has a quota but no throttling
        [throttle-only] has throttling but no quota
       *[none] has neither throttling nor a quota
    }
key-missing = no API key named { $key }
key-without-plan = API key { $key } exists, but there is no usage plan named { $plan } to add it to
key-in-plan = API key { $key } is enabled and a key of usage plan { $plan }
key-disabled = API key { $key } is a key of usage plan { $plan } but it is disabled
key-not-in-plan = API key { $key } exists but is not a key of usage plan { $plan }
