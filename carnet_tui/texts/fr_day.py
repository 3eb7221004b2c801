"""Words of a day at the counter: people, sign-in, approvals, journal (issue 10's foundation)."""

TEXTS: dict[str, str] = {
    "err.user.role": "Rôle inconnu : {role}. Rôles : caissier, responsable, admin, contrôleur.",
    "err.user.not_allowed": "Votre rôle ne permet pas cette action.",
    "err.user.name_required": "Le nom est obligatoire.",
    "err.user.exists": "L'utilisateur {name} existe déjà.",
    "err.user.unknown": "Utilisateur inconnu ou désactivé : {name}.",
    "err.user.last_admin": "C'est le dernier administrateur actif : il ne peut pas être désactivé.",
    "err.pin.format": "Le code PIN doit avoir de 4 à 8 chiffres.",
    "err.pin.wrong": "Code PIN incorrect. Encore {left} essai(s) avant le blocage.",
    "err.pin.locked": "Trop de codes PIN incorrects : utilisateur bloqué pendant {minutes} min.",
    "err.pin.mismatch": "Les deux codes PIN saisis sont différents.",
    "err.approval.required": "Cette action demande l'accord d'un responsable.",
    "err.approval.not_responsable": "{name} n'est pas responsable : accord refusé.",
    "err.till.no_session": "La caisse n'est pas ouverte : ouvrez-la avec un fond de caisse.",
    "err.till.already_open": "La caisse {desk} est déjà ouverte.",
    "err.tariff.out_of_period": "Ce tarif ne s'applique pas à cette date.",
    "err.till.closed": "Cette session de caisse est déjà clôturée.",
    "err.till.denomination": "Valeur de billet ou de pièce inconnue.",
    "err.till.count": "Nombre de billets ou de pièces invalide (un nombre entier, 0 ou plus).",
}
