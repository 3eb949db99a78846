from ninja import NinjaAPI

api = NinjaAPI(title="Hallway API", version="1", urls_namespace="api")
