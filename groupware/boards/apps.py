from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "groupware.boards"
    label = "boards"
    verbose_name = "게시판"

    def ready(self) -> None:
        from groupware.boards.seed import seed_institution
        from suite.demo import register_seed

        register_seed("boards", seed_institution)
