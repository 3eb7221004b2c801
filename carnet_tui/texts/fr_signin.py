"""Words of the sign-in and lock screens, the approval dialog and the app's sections (issue 10)."""

TEXTS: dict[str, str] = {
    # sections: home menu, palette, F1's help
    "section.sale": "Vente de Carnets",
    "section.sale.help": "ouvrir Ventes de Carnets (de partout)",
    "section.history": "Historique des ventes",
    "section.history.help": "Historique des ventes (réimpressions)",
    "section.lock": "Verrouiller l'écran",
    "section.lock.help": "verrouiller l'écran (la vente en cours est gardée)",
    "section.change_cashier": "Changer de caissier",
    "section.change_cashier.help": "changer de caissier (retour à l'identification)",
    "section.group.session": "Session",
    "section.home": "Accueil",
    "section.home.help": "Revenir à l'écran d'accueil",
    "help.sections": "Selon votre rôle ({role}) :",
    "home.user": "{user} · {role} · {desk}",
    # sign-in
    "signin.title": "Identification",
    "signin.desk": "Poste : {desk}",
    "signin.name": "Nom",
    "signin.pin": "Code PIN",
    "signin.hint": "↑/↓ : choisir le nom · code PIN puis Entrée · Ctrl+Q : quitter",
    "signin.loading": "Ouverture de la base de données...",
    "signin.no_user": (
        "Aucun utilisateur n'est enregistré. Créez le premier administrateur dans un terminal :\n"
        "  carnet-tui user add NOM --role admin\n"
        "puis relancez carnet-tui."
    ),
    "signin.choose": "Choisissez votre nom dans la liste.",
    "signin.checking": "Vérification du code PIN...",
    # the idle lock
    "lock.title": "Écran verrouillé",
    "lock.kept": "Le travail en cours est gardé : la même personne ou une autre le reprend.",
    "lock.hint": "↑/↓ : choisir le nom · code PIN puis Entrée : reprendre",
    "lock.other": "{user} reprend la caisse.",
    # changing cashier
    "signout.refused": (
        "La vente N° {number} est réglée mais pas clôturée : clôturez-la (F6) ou finalisez-la avant "
        "de changer de caissier. Alt+L verrouille l'écran en la gardant."
    ),
    "signout.busy": "Une opération est en cours : attendez qu'elle se termine.",
    # approvals
    "approval.title": "Accord d'un responsable",
    "approval.ask.void": "{user} demande l'annulation d'une ligne de la vente.",
    "approval.ask.reprint": "{user} demande une réimpression (DUPLICATA).",
    "approval.ask.finalize_unprinted": (
        "{user} demande de finaliser une vente dont des carnets ne sont pas imprimés."
    ),
    "approval.ask.cash_movement": "{user} demande un mouvement de caisse (dépôt ou retrait).",
    "approval.ask.catalog": "{user} demande une modification du catalogue.",
    "approval.ask.other": "{user} demande l'accord d'un responsable.",
    "approval.approver": "Responsable",
    "approval.pin": "Son code PIN",
    "approval.none": "Aucun responsable actif n'est enregistré : l'accord ne peut pas être donné.",
    "approval.hint": "↑/↓ : responsable · son PIN puis Entrée : accord · Échap : annuler",
}
