# IAM's sentences in English, its validators': one catalogue with src/i18n/en.ftl, which every
# language is held to (same ids, same variables).

## IAM roles and their policies

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
