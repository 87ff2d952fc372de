# Lambda's sentences in English, its validators': one catalogue with src/i18n/en.ftl, which every
# language is held to (same ids, same variables).

## Cleaning up

functions-gone = no Lambda function matching { $patterns } is left
functions-left = { $count ->
        [one] Lambda function { $names } still exists
       *[other] Lambda functions { $names } still exist
    }

## The Lambda function behind the API

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
denied-by = { $method } on { $stage } (denied by statement { $sid })
denied-by-unnamed = { $method } on { $stage } (denied by statement without Sid)
policy-unjudged = { $method } on { $stage } (the policy has a { $what }, which labcheck does not evaluate)
policy-refuses = the resource policy of { $function } does not let API Gateway invoke it for { $requests }
policy-allows = API Gateway may invoke { $functions } for { $methods }

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
