# Las frases de IAM en español: las de sus validadores (un catálogo con src/i18n/es.ftl; mismos ids y
# variables que su en.ftl).

## Roles de IAM y sus políticas

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
