# Las frases propias de labcheck en español; las de los validadores de cada servicio están junto a ellos
# (src/providers/<servicio>/es.ftl). Mismos ids y variables que en inglés (una prueba lo comprueba).
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

## Compartidas por los validadores de varios servicios

on-api = en { $name }: { $problems }
problems = { $problems }
method-on-stage = { $method } en { $stage }

## Partes de una política que labcheck no evalúa (dentro de policy-unjudged, action-unjudged y similares)

policy-condition-not-object = condición { $operator } que no es un objeto
policy-condition-unknown = condición { $operator } sobre { $key }
policy-condition-no-values = condición { $operator } sobre { $key } sin valores de texto
policy-effect-unknown = instrucción con Effect "{ $effect }"
policy-statement-without-action = instrucción sin Action ni NotAction
policy-statement-without-resource = instrucción sin Resource ni NotResource
policy-statement-without-principal = instrucción sin Principal ni NotPrincipal
policy-variable = variable de política en { $resource }

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
