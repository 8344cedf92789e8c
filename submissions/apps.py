from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # pv (the ground floor) scopes partners' cases to what they received through this hook
        # instead of importing the submissions app.
        from pv.core.outbox import task_enqueue_on_commit
        from pv.selectors import partner_case_scope_register
        from pv.services.cases import case_routing_register
        from pv.services.recoding import case_recoded_register
        from submissions.selectors import case_ids_received_by
        from submissions.services import submission_release_held
        from submissions.tasks import case_route_task

        partner_case_scope_register(case_ids_received_by)
        # Every new case version is routed after its transaction commits (the outbox's fast
        # path; the submissions sweeper routes any version this misses).
        case_routing_register(lambda case_id: task_enqueue_on_commit(case_route_task, case_id))
        # Every recode (a reviewer coding a reaction, a MedDRA release made active) re-evaluates
        # the case's held submissions in the same transaction: released ones are prepared after
        # commit (the sweeper releases any this misses).
        case_recoded_register(submission_release_held)
