"""Words of the explicit context on the sale side: approvals named in a sale's history."""

TEXTS: dict[str, str] = {
    "history.approved_by": "accord {name}",
    "err.user.signed_out": "Personne n'est connecté à ce poste : identifiez-vous d'abord.",
}
