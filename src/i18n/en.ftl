# labcheck's sentences in English: the catalogue every other language is held to (same ids, same variables).
# Variables are facts from the account or the lab (names, ids, paths) and are shown as they are.
# A validator's sentence says what it found; it is shown under the check's title, beside the lab's hint.

## How lists are written

# "a, b and c": $init is every item but the last, joined by list-separator.
list-and = { $init } and { $last }
list-separator = {", "}
# Between clauses that each say what is wrong.
clause-separator = {"; "}

## Reading the account

read-error = could not read { $operation } ({ $kind ->
        [access_denied] access denied
        [throttled] throttled by AWS
        [timeout] timed out
        [network] could not connect
        [malformed] malformed response
        [service] service error
       *[not_collected] internal error
    }): { $detail }
read-timed-out = timed out after { $seconds } s reading the account
not-checked = not checked: needs { $checks } to pass first
# One prerequisite that did not pass: its title and status.
not-checked-because = "{ $title }" ({ $status })

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
# What is wrong with an API, clause by clause.
on-api = on { $name }: { $problems }
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
functions-gone = no Lambda function matching { $patterns } is left
functions-left = { $count ->
        [one] Lambda function { $names } still exists
       *[other] Lambda functions { $names } still exist
    }
# Clauses that each say what is wrong, with nothing around them.
problems = { $problems }

## The Lambda function behind the API

method-on-api-no-integration = { $method } on { $name } has no integration
method-not-lambda = { $method } on { $name } does not invoke a Lambda function ({ $kind } integration)
function-missing = { $method } on { $api } integrates with Lambda function { $function }, which does not exist
function-invoked = { $method } on { $api } invokes Lambda function { $function } (runtime { $runtime }, handler { $handler })
versions-published = Lambda function { $function } has published versions { $versions }
versions-none = Lambda function { $function } has no published version (only $LATEST)
versions-too-few = Lambda function { $function } has { $count } published versions ({ $versions }); { $min } are required
aliases-exist = Lambda function { $function } has aliases { $aliases }
aliases-missing-none = Lambda function { $function } has no { $count ->
        [one] alias
       *[other] aliases
    } { $aliases } (it has no aliases)
aliases-missing = Lambda function { $function } has no { $count ->
        [one] alias
       *[other] aliases
    } { $aliases } (aliases: { $found })
alias-missing = Lambda function { $function } has no alias { $alias }
alias-at-latest = alias { $alias } of { $function } points at $LATEST, not a published version
alias-at-published = alias { $alias } of { $function } points at published version { $version }
alias-at-unpublished = alias { $alias } of { $function } points at version { $version }, which is not published

## Lambda proxy integrations

not-proxy = { $method } is a { $kind } integration, not a Lambda proxy integration (AWS_PROXY)
proxy-not-lambda = { $method } does not invoke a Lambda function
proxy-not-post = { $method } calls Lambda with { $found }, not POST (Lambda is invoked with POST only; any other method answers 500)
proxy-fixed-alias = { $method } invokes { $function }, not an alias chosen by a stage variable
proxy-other-variable = { $method } selects the alias with { $found }, not { $wanted }
methods-invoke = { $methods } invokes { $function }
proxy-different-functions = the methods invoke different functions: { $each }
proxy-integrations = { $methods } on { $name } { $count ->
        [one] is a Lambda proxy integration
       *[other] are Lambda proxy integrations
    } with { $functions }

## Who may invoke the function

policy-missing = { $function } has no resource policy
method-on-stage = { $method } on { $stage }
denied-by = { $method } on { $stage } (denied by statement { $sid })
denied-by-unnamed = { $method } on { $stage } (denied by statement without Sid)
policy-unjudged = { $method } on { $stage } (the policy has a { $what }, which labcheck does not evaluate)
policy-refuses = the resource policy of { $function } does not let API Gateway invoke it for { $requests }
policy-allows = API Gateway may invoke { $functions } for { $methods }
# Parts of a resource policy labcheck does not evaluate (shown inside policy-unjudged).
policy-negated-statement = statement with { $element }
policy-condition-not-object = condition { $operator } that is not an object
policy-condition-unknown = condition { $operator } on { $key }
policy-condition-no-values = condition { $operator } on { $key } without string values

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

## Lambda: execution role and environment

environment-has = { $function } has the environment { $count ->
        [one] variable
       *[other] variables
    } { $names }
environment-empty = { $function } has no environment variables (needs { $names })
environment-missing = { $function } has no environment { $count ->
        [one] variable
       *[other] variables
    } { $names } (found { $found })

## IAM roles and their policies

role-missing = there is no IAM role named { $role }
function-without-role = { $function } has no execution role
execution-role-missing = the execution role of { $function }, { $role }, does not exist
role-trusts = { $role } may be assumed by { $service }
role-does-not-trust = the trust policy of { $role } does not let { $service } assume it
role-trust-denied = the trust policy of { $role } denies { $service }
role-trust-unjudged = the trust policy of { $role } has a { $what }, which labcheck does not evaluate, so trust in { $service } is not proven
role-allows = { $role } allows { $actions } on { $resource }
role-refuses = { $role } on { $resource }: { $problems }
action-not-allowed = no statement allows { $action }
action-denied = { $action } is denied by { $policy }
action-unjudged = { $action } depends on a { $what }, which labcheck does not evaluate
role-least-privilege = { $role } allows nothing beyond what the lab lists ({ $count ->
        [one] one policy
       *[other] { $count } policies
    })
role-too-broad = { $role } allows more than the lab lists ({ $count ->
        [one] one grant
       *[other] { $count } grants
    } too many): { $problems }
policy-allows-beyond = { $policy } allows { $action } on { $resource }
policy-allows-all-but = { $policy } allows everything but what its { $element } lists
# Parts of an identity policy labcheck does not evaluate (shown inside action-unjudged).
policy-effect-unknown = statement with Effect "{ $effect }"
policy-statement-without-action = statement without Action or NotAction
policy-statement-without-resource = statement without Resource or NotResource
policy-statement-without-principal = statement without Principal or NotPrincipal
policy-variable = policy variable in { $resource }

## DynamoDB tables

table-missing = there is no DynamoDB table { $table } in this region
table-going-away = table { $table } is { $status }: it is being deleted or archived, or its KMS key cannot be used
table-exists = table { $table } exists, keyed by { $key }, billed { $billing }
table-wrong = table { $table }: { $problems }
table-key-unexpected = it has a { $role ->
        [partition] partition
       *[sort] sort
    } key { $found } the lab does not ask for
table-key-missing = it has no { $role ->
        [partition] partition
       *[sort] sort
    } key (needs { $key })
table-key-other = its { $role ->
        [partition] partition
       *[sort] sort
    } key is { $found }, not { $key }
table-key-type = its { $role ->
        [partition] partition
       *[sort] sort
    } key { $key } is of type { $found }, not { $kind }
table-billing = it is billed { $found }, not { $mode }
table-pitr-on = point-in-time recovery is on for table { $table }
table-pitr-off = point-in-time recovery is off on table { $table }
table-ttl-on = time to live is on for table { $table } (attribute { $attribute })
table-ttl-off = time to live is off on table { $table }
table-ttl-other = time to live on table { $table } uses attribute { $found }, not { $attribute }

## S3 buckets

bucket-missing = there is no bucket named { $bucket } in this region ({ $count ->
        [0] the region has no buckets
        [one] the region has one other bucket
       *[other] the region has { $count } other buckets
    })
bucket-bound = { $verdict } (judged { $bucket }, one of { $count } buckets named { $pattern }: every check judges the same one, the one with website hosting or else the first by name)
bucket-exists = bucket { $bucket } exists
bucket-versioning-on = versioning is on for { $bucket }
bucket-versioning-off = versioning is { $status ->
        [Suspended] suspended
       *[other] off
    } on { $bucket }
bucket-encryption-on = { $bucket } encrypts new objects by default ({ $algorithm })
bucket-encryption-none = { $bucket } has no default encryption
bucket-encryption-other = { $bucket } encrypts by default with { $found }, not { $algorithm }
bucket-lifecycle-noncurrent = { $bucket } deletes noncurrent versions after { $days } days (rule { $rule })
bucket-lifecycle-none = { $bucket } has no lifecycle rule
bucket-lifecycle-no-noncurrent = no lifecycle rule of { $bucket } ({ $count }) deletes noncurrent versions
bucket-lifecycle-disabled = rule { $rule } of { $bucket } would delete noncurrent versions, but it is disabled
bucket-lifecycle-partial = rule { $rule } of { $bucket } applies only to { $filtered ->
        [true] objects with some tags or sizes
       *[other] keys under { $prefix }
    }, not to the whole bucket
bucket-lifecycle-too-long = rule { $rule } of { $bucket } keeps noncurrent versions { $days } days, more than { $within }
bucket-lifecycle-expires-current = rule { $rule } of { $bucket } expires current objects too: it would delete the site's pages
bucket-policy-none = { $bucket } has no bucket policy
bucket-policy-no-public-read = no statement lets everyone read the objects of { $bucket } (s3:GetObject on arn:aws:s3:::{ $bucket }/*)
bucket-policy-allows-more = statement { $sid } also lets everyone { $actions }
bucket-policy-denies-read = statement { $sid } denies everyone s3:GetObject
bucket-policy-read-unjudged = whether everyone may read its objects depends on a { $what }, which labcheck does not evaluate
bucket-policy-negated = statement { $sid } uses { $element }
bucket-public-read = everyone may read the objects of { $bucket }, and nothing more
bucket-public-wrong = { $bucket }: { $problems }
bucket-public-blocked = { $scope ->
        [account] the account's public access block
       *[bucket] the public access block of { $bucket }
    } restricts public buckets (RestrictPublicBuckets), so its public policy gives no one access
bucket-private-blocked = { $scope ->
        [account] the account's public access block
       *[bucket] the public access block of { $bucket }
    } restricts public buckets (RestrictPublicBuckets)
bucket-private = the policy of { $bucket } grants the public nothing
bucket-public-granted = the policy of { $bucket } grants the public access and nothing blocks it
bucket-website-on = { $bucket } hosts a website (index document { $index })
bucket-website-off = website hosting is off for { $bucket }
bucket-website-redirects = { $bucket } redirects every request to { $target } instead of hosting a website
bucket-website-wrong = the website of { $bucket }: { $problems }
bucket-website-document = its { $kind ->
        [index] index
       *[error] error
    } document is "{ $found }", not { $expected }
bucket-object-found = { $bucket } has { $key } ({ $size } bytes)
bucket-object-missing = { $bucket } has no object { $key } ({ $count ->
        [0] the bucket is empty
        [one] it has one other object
       *[other] it has { $count } other objects
    })
bucket-object-similar = { $bucket } has no object { $key } (found { $found })
bucket-object-not-listed = { $key } is not among the first { $count } objects of { $bucket }
website-serves = { $url } answers { $status }
website-status = { $url } answers { $status }, not { $expected }
website-body = { $url } answers { $status } without "{ $text }" in the page

## Queries a lab author writes (facts_query)

query-result = { $query } gave { $result }
query-failed = expected { $expected } ({ $query } gave { $result })
query-not-truthy = expected a truthy value ({ $query } gave { $result })
# $message is the lab author's, shown as written.
query-failed-because = { $message } ({ $query } gave { $result })

## The reports' own words (checklist, live view, Markdown, HTML, CI annotations)

# A check's status as a word: pass, fail, error or skip.
report-status = { $status ->
        [pass] passed
        [fail] failed
        [error] could not be checked
       *[skip] skipped
    }
# How many checks ended with a status.
report-count = { $status ->
        [pass] { $count } passed
        [fail] { $count } failed
        [error] { $count } could not be checked
       *[skip] { $count } skipped
    }
# Shown before the status of a check that errored or was skipped, in the checklist.
report-status-label = { $status ->
        [error] error
       *[skip] skip
    }
report-account = account { $account }
report-unknown-account = unknown account
report-score = Score { $score }/{ $max }
report-hint = hint:
report-hint-sentence = Hint: { $hint }
report-hint-label = Hint
report-stats = AWS API calls: { $total } ({ $calls }) · HTTP requests sent: { $requests } · probes: { $probes } · round trips: { $round_trips } · rounds: { $rounds }
report-stats-none = none
report-step-complete = step complete
report-step-completed = step complete: { $step }
report-score-line = score { $score }/{ $max }
report-watching = re-checking every { $seconds }s · Ctrl-C to stop
report-check-title = Check
report-points-title = Points
report-details-title = Details
# A CI annotation's title: the lab, the check's title, and what became of it.
report-annotation = { $lab }: { $check } { $status ->
        [fail] failed
       *[error] could not be checked
    }

## A learner's progress

# A cleanup check passed before the steps it cleans up had passed: it does not count yet.
progress-cleanup-too-early = counts once { $steps } passed in an earlier grading
progress-not-graded = not graded yet
# In a progress checklist, beside a check that passed.
report-passed-at = passed { $when }

## The learner page (GET /learn/{session}).
page-title = { $lab } · my progress
page-best = Best so far: { $score } of { $max } points
page-check-lab = Check my progress
page-check-step = Check “{ $step }”
page-checking-lab = Checking all { $count } checks…
page-checking = Checking { $checks }…
page-checked = Checked: { $score } of { $max } points. { $missing ->
    [0] Everything is done.
    [one] One check is still to do.
   *[other] { $missing } checks are still to do.
}
page-status-pass = done
page-status-fail = not yet
page-status-error = could not check
page-status-skip = not checked yet
page-last-checked = Last checked { $when }
page-never-checked = Not checked yet: press “Check my progress” when you are ready.
page-not-kept = This result could not be saved: it is shown, but your best so far did not change.
page-could-not-check = Could not check right now: { $reason }
page-offline = The check did not reach the service. Check your connection and try again.
page-open-title = Open my checklist
page-open-help = Your lab platform opens this page for you. If it gave you an access code, paste it here.
page-open-label = Access code
page-open-button = Open
page-refused-invalid = This link does not open a checklist. Open it again from your lab platform.
page-refused-expired = This session has expired. Open the checklist again from your lab platform.
page-refused-revoked = This session was closed. Open the checklist again from your lab platform.

## LTI (an LMS launching learners; scores to its gradebook).
lti-comment-done = Every check passed.
lti-comment-missing = { $count ->
    [one] Still missing one check:
   *[other] Still missing { $count } checks:
}
lti-refused-title = This lab could not be opened
lti-refused = Your LMS's launch was refused: { $reason }. Open the lab again from your course; if this keeps happening, tell your instructor.
lti-opening = Opening the lab…
lti-opening-no-script = Your browser needs JavaScript to open this lab from your course.

## The cohort view (an instructor's or a lab author's view of a class in one lab).
cohort-rule-same-reason = at least { $learners } learners, and at least a third of those who attempted it, fail it now with the same message after trying it again, while every check it needs passed for them
cohort-rule-low-pass-rate = at least { $learners } learners settled it (passed it, or fail it after trying again) and its pass rate among them is below half the mean of the other checks of its step
cohort-title = { $lab } · class view
cohort-summary = { $learners ->
    [one] One learner
   *[other] { $learners } learners
}, as of { $when }
cohort-funnel = Steps completed
cohort-funnel-help = How many learners passed every check of each step, and the median time it took them.
cohort-funnel-row = { $step }: { $completed } of { $learners } ({ $percent })
cohort-median = median { $time }
cohort-stuck-map = Where learners are stuck
cohort-stuck-help = Each square is a check, in lab order, with the number of learners stuck there: it is their first check not passed. The darker the square, the larger the share of the class.
cohort-stuck-cell = { $check }: { $stuck } stuck ({ $percent })
cohort-finished = { $learners ->
    [one] One learner finished every check.
   *[other] { $learners } learners finished every check.
}
cohort-checks = Checks
cohort-col-check = Check
cohort-col-attempted = Attempted
cohort-col-passed = Passed
cohort-col-first-try = First try
cohort-col-gradings = Gradings to pass
cohort-col-time = Time to pass
cohort-col-stuck = Stuck here
cohort-col-reasons = Top failure reasons
cohort-col-flag = Flag
cohort-gradings = { $median } (p90 { $p90 })
cohort-stuck-for = { $stuck } (median { $time })
cohort-reason = { $id } ×{ $count }
cohort-flag-same-reason = many fail alike
cohort-flag-low-pass-rate = pass rate far below its step’s
cohort-may-be-broken = may be broken
cohort-learners = Learners
cohort-col-learner = Learner
cohort-col-score = Score
cohort-col-last-activity = Last activity
cohort-col-on-check = On check
cohort-all-passed = all passed
cohort-learners-more = …and { $count } more: the learners CSV (--format learners-csv) has them all.
cohort-rules = How each figure is counted
cohort-rule-attempted = Attempted: learners who tried the check: a verdict (pass or fail) once they had reached it (every check it needs passed, or another check of its step) and had changed their account since their previous grading; a grading that could not read the account judges nothing.
cohort-rule-first-try = First try: the share of those who attempted it that passed on their first try.
cohort-rule-gradings = Gradings to pass: the tries it took, the passing one included (median and 90th percentile, nearest rank), over those who passed.
cohort-rule-time = Time to pass: from the first try to the first pass (median).
cohort-rule-stuck = Stuck here: learners whose first check not passed, in lab order, is this one; the time is since they first tried it.
cohort-rule-reasons = Failure reasons: the failures by message, over every grading; the example is one learner's message now.
cohort-rule-funnel = Steps completed: learners who passed every check of the step; the time runs from the first verdict on one of its checks to the last first pass.
cohort-percent = { $percent }%
cohort-seconds = { $n } s
cohort-minutes = { $n } min
cohort-hours = { $n } h
cohort-days = { $n } d
