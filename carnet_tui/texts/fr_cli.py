"""Words of the command line for a day at the counter: users, init's first admin, the desk and the
[counter] settings, ``journal verify`` and ``export``."""

TEXTS: dict[str, str] = {
    # --- help -----------------------------------------------------------------------------------
    "cli.help.desk": "nom du poste de caisse (sinon CARNET_DESK, sinon [counter] desk, sinon « Caisse 1 »)",
    "cli.help.init_admin": (
        "nom du premier administrateur (son code PIN est lu deux fois sur l'entrée standard)"
    ),
    "cli.help.user": "utilisateurs : ajouter, lister, désactiver, changer un code PIN",
    "cli.help.user_add": "ajouter un utilisateur (code PIN demandé deux fois)",
    "cli.help.user_list": "lister les utilisateurs (rôle, actif, bloqué)",
    "cli.help.user_disable": "désactiver un utilisateur (il ne peut plus se connecter)",
    "cli.help.user_pin": "changer le code PIN d'un utilisateur (et le débloquer)",
    "cli.help.user_name": "nom de l'utilisateur",
    "cli.help.role": "caissier, responsable, admin ou contrôleur",
    "cli.help.journal": "journal inaltérable : vérifier la chaîne",
    "cli.help.journal_verify": "recalculer la chaîne du journal et nommer la première ligne altérée",
    "cli.help.export": "exporter une période en fichiers CSV (comptable, contrôle fiscal)",
    "cli.help.export_from": "premier jour de la période (AAAA-MM-JJ)",
    "cli.help.export_to": "dernier jour de la période (AAAA-MM-JJ), inclus",
    "cli.help.export_out": "dossier à créer pour les fichiers (par défaut export_<du>_<au>)",
    # --- PINs and users -------------------------------------------------------------------------
    "cli.pin.ask": "Code PIN (4 à 8 chiffres) : ",
    "cli.pin.again": "Code PIN, encore une fois : ",
    "cli.admin.ask": "Nom du premier administrateur (Entrée pour plus tard) : ",
    "err.cli.pin_missing": (
        "Code PIN attendu : sur un terminal il est demandé ; sinon donnez-le deux fois, "
        "une ligne chacune, sur l'entrée standard."
    ),
    "cli.user.added": "Utilisateur {name} ajouté ({role}).",
    "cli.user.disabled": "Utilisateur {name} désactivé : il ne peut plus se connecter.",
    "cli.user.pin_set": "Code PIN de {name} changé (et l'utilisateur débloqué).",
    "cli.user.none": "Aucun utilisateur. Créez l'administrateur : carnet-tui user add NOM --role admin",
    "cli.user.col.name": "Nom",
    "cli.user.col.role": "Rôle",
    "cli.user.col.active": "Actif",
    "cli.user.col.locked": "Bloqué",
    "cli.yes": "oui",
    "cli.no": "non",
    "cli.user.locked_until": "jusqu'à {time}",
    "cli.init.admin_created": "Administrateur {name} créé.",
    "cli.init.admin_present": "Un administrateur existe déjà : aucun n'est créé.",
    "cli.init.no_admin": (
        "Aucun administrateur : personne ne peut encore se connecter. "
        "Créez-le : carnet-tui user add NOM --role admin"
    ),
    "cli.demo.users": (
        "Utilisateurs de démonstration (codes PIN à changer) : {users}."
    ),
    # --- settings -------------------------------------------------------------------------------
    "config.expect.desk": "un nom de poste entre guillemets, de 1 à 40 caractères",
    "config.expect.day": "une date AAAA-MM-JJ (par exemple \"2027-01-31\"), ou \"\" pour jamais",
    "config.expect.idle": "un nombre de minutes supérieur à 0 et au plus 480 (par exemple 5)",
    "err.config.desk": "Nom de poste invalide ({source}) : {desk}. Un nom de 1 à {max} caractères.",
    # --- journal verify -------------------------------------------------------------------------
    "cli.journal.ok": "Journal intact : {rows} ligne(s) vérifiée(s). Tête de la chaîne : {head}",
    "cli.journal.empty": "Journal vide : rien à vérifier.",
    "cli.journal.bad": "JOURNAL ALTÉRÉ : {what}",
    "cli.journal.row": "ligne n° {seq} ({kind}, {at})",
    "cli.journal.checked": "{rows} ligne(s) vérifiée(s) avant la faute ; dernière tête sûre : {head}",
    "journal.fault.gap": "ligne n° {seq} absente : supprimée, ou la numérotation a été changée{after}.",
    "journal.fault.gap_after": " (ligne suivante présente : {row})",
    "journal.fault.link": (
        "{row} : son lien à la ligne précédente ne correspond pas (ligne insérée ou déplacée)."
    ),
    "journal.fault.changed": "{row} : son contenu a été modifié après son écriture.",
    "journal.fault.row_changed": "{row} : {target} ne contient plus ce que la ligne a enregistré ({column}).",
    "journal.fault.row_missing": "{row} : {target} qu'elle enregistre a disparu.",
    "journal.fault.unjournaled": "{target} existe sans la ligne du journal qui doit l'enregistrer.",
    "journal.table.payment": "le paiement n° {id}",
    "journal.table.void": "l'annulation n° {id}",
    "journal.table.cash_movement": "le mouvement de caisse n° {id}",
    "journal.table.till_session": "la session de caisse n° {id}",
    "journal.table.z_report": "le rapport Z n° {id}",
    "journal.table.other": "la ligne {id} de la table {table}",
    # --- export ---------------------------------------------------------------------------------
    "err.export.date": (
        "Date invalide ({option}) : {value}. Format attendu : AAAA-MM-JJ, par exemple 2026-11-28."
    ),
    "err.export.order": "Période vide : le premier jour ({start}) est après le dernier ({end}).",
    "err.export.exists": "Le dossier {path} existe déjà et n'est pas vide : rien n'a été écrit.",
    "err.export.no_parent": "Le dossier {path} n'existe pas : rien n'a été écrit.",
    "err.export.write": "Impossible d'écrire dans {path} ({detail}) : rien n'a été écrit.",
    "cli.export.done": "Export du {start} au {end} dans {path} : {summary}.",
    "cli.export.file": "{name} ({rows} ligne(s))",
}
