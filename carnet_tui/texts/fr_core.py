"""French words of the domain rules and services (errors a cashier or manager may read)."""

TEXTS: dict[str, str] = {
    # beneficiary types
    "beneficiary.A": "Abonné",
    "beneficiary.V": "Visiteur",
    "beneficiary.P": "Partenaire",
    # payment methods
    "method.cash": "Espèces",
    "method.card": "Carte",
    "method.cheque": "Chèque",
    "method.transfer": "Virement",
    # input errors
    "err.quantity.not_number": "La quantité doit être un nombre entier.",
    "err.quantity.range": "La quantité doit être comprise entre {min} et {max}.",
    "err.validity.not_number": "La durée de validité doit être un nombre entier de jours.",
    "err.validity.range": "La durée de validité doit être comprise entre {min} et {max} jours.",
    "err.amount.invalid": "Montant invalide : « {text} ».",
    "err.amount.negative": "Le montant ne peut pas être négatif.",
    "err.amount.too_large": "Montant trop élevé.",
    "err.beneficiary.invalid": "Type de bénéficiaire inconnu : « {value} » (A, V ou P).",
    "err.client.name_required": "Le nom du client est obligatoire.",
    "err.client.name_too_long": "Le nom du client est trop long ({max} caractères au plus).",
    "err.client.phone_invalid": "Téléphone invalide : 8 à 15 chiffres, « + » permis au début.",
    "err.client.member_invalid": "N° d'adhérent invalide : lettres, chiffres, « - » ou « / ».",
    "err.client.member_taken": "Le N° d'adhérent {member} est déjà attribué à un autre client.",
    "err.client.not_found": "Client introuvable.",
    "err.client.type_mismatch": "Ce client est {client_type}, pas {wanted}.",
    "err.text.too_long": "Texte trop long ({max} caractères au plus).",
    "err.model.not_found": "Modèle de carnet introuvable ou inactif.",
    "err.tariff.not_found": "Tarif introuvable ou inactif.",
    "err.tariff.wrong_model": "Ce tarif n'appartient pas à ce modèle de carnet.",
    "err.tariff.not_for_type": "Ce tarif n'est pas valable pour le type {type}.",
    "err.sale.not_found": "Vente introuvable.",
    "err.sale.closed": "La vente est clôturée : aucune ligne ne peut y être ajoutée ni annulée.",
    "err.sale.not_closed": "La vente doit d'abord être clôturée.",
    "err.sale.empty": "La vente ne contient aucune ligne réglée.",
    "err.sale.already_finalized": "La vente est déjà finalisée.",
    "err.line.not_found": "Ligne introuvable.",
    "err.line.already_void": "Cette ligne est déjà annulée.",
    "err.void.reason_required": "Le motif de l'annulation est obligatoire.",
    "err.payment.method": "Mode de règlement inconnu : « {value} ».",
    "err.payment.tendered_required": "Saisissez le montant reçu (F9 : montant exact).",
    "err.payment.short": "Montant reçu insuffisant : {tendered} pour un total de {total}.",
    "err.payment.cheque_number": "Le N° du chèque est obligatoire (chiffres, 4 à 20).",
    "err.db.readonly": "La base de données {path} est en lecture seule.",
    "err.db.folder_readonly": (
        "Le dossier {folder} de la base de données {path} n'est pas inscriptible pour ce compte : "
        "SQLite y écrit son journal (WAL). Donnez-lui ce dossier (chgrp + chmod 2770, "
        "voir docs/DEPLOY.md)."
    ),
    "err.db.missing_folder": "Le dossier {path} n'existe pas.",
    "err.db.newer": (
        "La base de données est au schéma {found}, plus récent que celui de ce programme "
        "({supported}) : mettez carnet-tui à jour."
    ),
    "err.db.url": "Adresse de base de données non reconnue : {url}",
    "err.db.locked": "La base de données est occupée ; réessayez.",
    "err.db.unreachable": (
        "Le serveur de la base de données ne répond pas ({path}) : rien n'a été enregistré. "
        "Vérifiez le réseau et le serveur, puis réessayez. PostgreSQL : {detail}"
    ),
    "err.db.driver": (
        "Le pilote PostgreSQL n'est pas installé : pip install 'carnet-tui[postgresql]' ({url})."
    ),
    "err.db.full": (
        "Disque plein : la base de données n'a rien enregistré. "
        "Libérez de la place sur le disque, puis réessayez."
    ),
    "err.db.damaged": (
        "Le fichier de la base de données est endommagé : rien n'a été enregistré. "
        "Arrêtez la caisse et faites vérifier le fichier (sauvegarde). SQLite : {detail}"
    ),
    "err.db.io": (
        "Erreur de lecture ou d'écriture sur le disque de la base de données : "
        "rien n'a été enregistré. Vérifiez le disque, puis réessayez."
    ),
    "err.db.gone": (
        "Le fichier de la base a disparu ou a été remplacé : rien n'a été enregistré ({path}). "
        "Quittez, remettez le fichier d'origine à sa place (sans toucher à {path}-wal), "
        "puis relancez carnet-tui."
    ),
    "err.db.not_found": (
        "La base de données {path} n'existe pas. Créez-la d'abord : carnet-tui --db {path} init "
        "(ajoutez --demo pour les données de démonstration)."
    ),
    "err.db.foreign": (
        "{path} est une base SQLite d'une autre application (tables : {tables}) : "
        "carnet-tui n'y touche pas. Choisissez un autre fichier."
    ),
    "err.import.row": "{file}, ligne {line} : {message}",
    "err.import.format": "Format non reconnu pour {file} (CSV ou TOML).",
    "err.import.column": "colonne « {column} » manquante",
    "err.import.value": "valeur invalide pour « {column} » : {value}",
    "err.import.missing": "Fichier introuvable : {file}",
    "err.import.encoding": (
        "{file} n'est ni en UTF-8 ni en Windows-1252 (Latin-1) : enregistrez-le en « CSV UTF-8 »."
    ),
    "err.import.mixed_encoding": (
        "{file}, ligne {line} : caractère qui n'est pas en UTF-8 alors que les lignes d'avant le "
        "sont ; enregistrez le fichier en « CSV UTF-8 »."
    ),
    "err.import.field_too_long": (
        "champ de plus de {kb} Ko : un guillemet « \" » ouvert et jamais fermé ?"
    ),
    "err.import.nul": "caractère NUL : ce n'est pas un fichier texte CSV",
    "err.import.csv_syntax": "ligne CSV illisible (guillemets mal placés ?)",
    "err.import.empty": "{file} ne contient aucune ligne à importer.",
    "err.import.syntax": "{file}, ligne {line} : syntaxe TOML invalide.",
    "err.import.entry": "{file}, {section} n° {index} : {message}",
    "err.import.kind": "{file} : colonnes « name » (clients) ou « model » (catalogue) attendues.",
    "err.import.required": "« {column} » est obligatoire",
    "err.import.unknown": "colonne ou clé inconnue « {column} »",
    "err.import.too_long": "« {column} » trop long ({max} caractères au plus)",
    "err.import.billets": "nombre de billets invalide : entier de {min} à {max}",
    "err.import.types": "types de bénéficiaires invalides « {value} » : A, V, P ou vide pour tous",
    "err.import.member_twice": "N° d'adhérent {member} en double (déjà {where})",
    "err.import.member_exists": "N° d'adhérent {member} déjà attribué à un client de la base",
    "err.import.model_twice": "modèle « {name} » en double (déjà {where})",
    "err.import.model_exists": "le modèle « {name} » existe déjà dans la base",
    "err.import.model_mismatch": (
        "le modèle « {name} » a un autre nombre de billets ou une autre validité {where}"
    ),
    "err.import.tariff_twice": "tarif « {label} » en double pour le modèle « {name} »",
    "err.import.no_tariff": "le modèle « {name} » n'a aucun tarif",
    "err.import.rejected": "{details}\n{count} erreur(s) : rien n'a été importé.",
    "err.import.where_line": "ligne {line}",
    "err.import.cells": "{found} colonnes au lieu de {expected}",
    "err.import.unreadable": "Impossible de lire {file} : {detail}",
    "err.db.failed": "Erreur de la base de données : {detail}",
    "err.unexpected": "Erreur inattendue : détails dans {log}",
    "err.unexpected.nolog": "Erreur inattendue ({error}) ; le journal carnet.log n'a pas pu être écrit.",
    "cli.demo.unavailable": "Données de démonstration absentes : la base reste vide.",
    "err.demo.missing": "Données de démonstration introuvables : {path}",
    "err.demo.count": "Le nombre de clients doit être compris entre {min} et {max}.",
    "err.config.invalid": "Fichier de réglages invalide ({path}) :\n{detail}",
    "err.config.missing": "Fichier de réglages introuvable : {path}",
    "err.config.key": "- {setting} : {expected} attendu, reçu {got}.",
    "err.config.unknown": "- {setting} : réglage inconnu (réglages possibles ici : {known}).",
    "err.config.printer": (
        "Imprimante invalide ({source}) : {url} ; attendu serial:/dev/ttyUSB0?baudrate=19200, "
        "tcp:hôte:9100, file:/chemin, usb:vid:pid ou preview."
    ),
    "config.expect.table": "une section (par exemple [venue] ou [printer])",
    "config.expect.text": "un texte entre guillemets",
    "config.expect.id": "un texte entre guillemets (le numéro tel qu'il est écrit)",
    "config.expect.db": "un chemin ou une URL de base de données entre guillemets",
    "config.expect.columns": "32, 42 ou 48 (caractères par ligne)",
    "config.expect.percent": "un nombre de 0 à 100 (par exemple 20)",
    "config.expect.timeout": "un nombre de secondes supérieur à 0 et au plus 600 (par exemple 5)",
    "config.expect.cut": "« partial », « full » ou « none »",
    "config.expect.url": "une imprimante serial:…, tcp:…, file:…, usb:…, preview ou terminal",
    "config.got.table": "une section",
    "config.syntax": "syntaxe TOML incorrecte.",
    "config.syntax_at": "syntaxe TOML incorrecte, ligne {line}, colonne {column}.",
    "config.encoding": "le fichier n'est pas un texte UTF-8.",
    "config.unreadable": "fichier illisible ({detail}).",
    "err.db.open": "Impossible d'ouvrir la base de données {location} : {detail}",
    "cli.description": "Point de vente de carnets au clavier (Ventes de Carnets).",
    "cli.help.db": (
        "base de données : chemin d'un fichier SQLite ou URL "
        "(sinon CARNET_DB, sinon le dossier de l'utilisateur)"
    ),
    "cli.help.config": "fichier de réglages TOML (sinon CARNET_CONFIG)",
    "cli.help.cashier": (
        "nom présélectionné sur l'écran de connexion (sinon CARNET_CASHIER) ; qui agit est qui tape son PIN"
    ),
    "cli.help.data_dir": (
        "dossier de données : aperçu d'impression (spool) et journal d'erreurs "
        "(sinon CARNET_DATA_DIR, sinon le dossier de l'utilisateur)"
    ),
    "cli.help.printer": (
        "imprimante : serial:/dev/ttyUSB0?baudrate=19200, tcp:hôte:9100, "
        "file:/chemin, usb:vid:pid, preview, terminal (imprimante du poste, par le terminal ; "
        "terminal:base64 pour xterm)"
    ),
    "cli.help.run": (
        "ouvrir la caisse (par défaut) ; la première fois, la base par défaut est remplie des "
        "données de démonstration (une autre base doit exister : voir init)"
    ),
    "cli.help.init": "créer ou mettre à jour la base de données",
    "cli.help.init_demo": "charger aussi les données de démonstration si la base est vide",
    "cli.help.import": (
        "importer un catalogue ou des clients (CSV ou TOML, voir docs/IMPORT.md), tout ou rien"
    ),
    "cli.help.files": "fichiers à importer",
    "cli.help.demo_clients": "ajouter des clients fictifs en masse (essais de charge)",
    "cli.help.count": "nombre de clients à ajouter",
    "cli.help.seed": "graine du tirage (même graine, mêmes noms)",
    "cli.help.copy": (
        "copier toute la base (ventes, carnets, clients, compteurs, réglages) vers une base vide : "
        "de SQLite vers PostgreSQL ou l'inverse"
    ),
    "cli.help.copy_from": "base à copier (fichier SQLite ou postgresql://...)",
    "cli.help.copy_to": "base vide qui la reçoit (fichier SQLite ou postgresql://...)",
    "cli.copy.done": "Copie terminée : {sales} vente(s), {carnets} carnet(s), {billets} billet(s), "
    "{clients} client(s), {rows} ligne(s) en tout.",
    "err.copy.not_empty": "La base {location} n'est pas vide : la copie ne va que vers une base vide.",
    "err.copy.same": "La base à copier et la base qui la reçoit sont la même : {location}",
    "cli.init.done": "Base de données prête : {location} (schéma {version}).",
    "cli.demo.loaded": (
        "Données de démonstration chargées : {models} modèles de carnet, {clients} clients.\n"
        "Factures : renseignez d'abord l'identité légale du lieu (name, address, ice, if_number, rc, "
        "patente) dans la section [venue] du fichier de réglages (voir README, « Settings »)."
    ),
    "cli.demo.skipped": (
        "La base contient déjà des modèles ou des clients : "
        "données de démonstration non chargées."
    ),
    "cli.import.done": "Import terminé : {models} modèle(s), {tariffs} tarif(s), {clients} client(s).",
    "cli.generate.done": "{count} clients ajoutés en {seconds} s ({total} clients au total).",
    "cli.interrupted": "Interrompu.",
    "cli.help.doctor": (
        "vérifier l'installation depuis le compte qui ouvrira la caisse (base, dossiers, "
        "imprimante, terminal) ; rien n'est écrit ni imprimé"
    ),
    "doctor.mark.ok": "[ OK ]",
    "doctor.mark.bad": "[ERREUR]",
    "doctor.mark.info": "[ -- ]",
    "doctor.ok.settings": "Réglages valides.",
    "doctor.fix.settings": "corrigez le fichier de réglages (voir README, « Settings »)",
    "doctor.server": "Base sur un serveur ({location}) : vérifiée à l'ouverture de la caisse.",
    "doctor.why.missing": "il n'existe pas",
    "doctor.why.not_folder": "ce n'est pas un dossier",
    "doctor.why.denied": "permission refusée",
    "doctor.db.folder": (
        "Dossier de la base {folder} non inscriptible ({why}) : SQLite y écrit son journal (WAL)."
    ),
    "doctor.ok.db_folder": "Dossier de la base {folder} inscriptible.",
    "doctor.fix.folder": (
        "mkdir -p {folder} && chgrp carnet {folder} && chmod 2770 {folder}   (en root ; "
        "le compte doit être du groupe carnet)"
    ),
    "doctor.fix.file": "chgrp carnet {file} && chmod 660 {file}   (en root)",
    "doctor.fix.init": "carnet-tui --db {db} init   (avec umask 007, voir docs/DEPLOY.md)",
    "doctor.fix.upgrade": "installez la version de carnet-tui qui a écrit cette base",
    "doctor.db.first_run": "Base par défaut {path} : créée à la première ouverture (démonstration).",
    "doctor.ok.schema": "Base {path} à jour (schéma {version}).",
    "doctor.db.old": "Base {path} au schéma {found} : la version attendue est {version}.",
    "doctor.data": "Dossier de données {folder} non inscriptible ({why}).",
    "doctor.ok.data": "Dossier de données {folder} inscriptible.",
    "doctor.spool": "Dossier d'aperçu d'impression {folder} non inscriptible ({why}).",
    "doctor.ok.spool": "Dossier d'aperçu d'impression {folder} inscriptible.",
    "doctor.fix.data_dir": (
        "donnez un dossier inscriptible : --data-dir DOSSIER ou CARNET_DATA_DIR=DOSSIER"
    ),
    "doctor.printer.spool": "Imprimante preview : le dossier {folder} n'est pas inscriptible ({why}).",
    "doctor.ok.preview": "Imprimante preview : les billets vont dans {folder}.",
    "doctor.printer.tcp": "Imprimante {device} injoignable ({why}).",
    "doctor.printer.denied": "Imprimante {device} : accès refusé à ce compte.",
    "doctor.printer.file": "Imprimante {device} : le dossier n'est pas inscriptible ({why}).",
    "doctor.ok.printer": "Imprimante {device} joignable (rien n'a été imprimé).",
    "doctor.printer.unchecked": "Imprimante {device} : non vérifiable sans imprimer.",
    "doctor.printer.terminal_unchecked": (
        "Imprimante terminal : à vérifier depuis le terminal du caissier (ssh -t)."
    ),
    "doctor.ok.terminal_printer": (
        "Imprimante terminal : les billets passent par ce terminal (réglez son imprimante, "
        "voir docs/DEPLOY.md)."
    ),
    "doctor.fix.printer": "vérifiez l'adresse (--printer ou [printer] url) et que l'imprimante est allumée",
    "doctor.fix.printer_group": "usermod -aG dialout COMPTE, ou chgrp carnet {device} && chmod 660 {device}",
    "doctor.term.none": "Pas de terminal : encodage et taille non vérifiés (lancez doctor dans ssh -t).",
    "doctor.ok.utf8": "Terminal en {codeset}.",
    "doctor.term.utf8": (
        "Les paramètres régionaux ne sont pas en UTF-8 ({codeset}) : la caisse écrit en UTF-8, "
        "le terminal doit l'être aussi."
    ),
    "doctor.fix.utf8": "export LANG=C.UTF-8   (et réglez le terminal du caissier en UTF-8)",
    "doctor.term.size": "Terminal de {columns}×{lines} : il faut au moins 80×24.",
    "doctor.fix.size": "agrandissez la fenêtre du terminal (au moins 80 colonnes, 24 lignes)",
    "doctor.ok.size": "Terminal de {columns}×{lines} (TERM={term}).",
    "doctor.ok.compiled": "Programme compilé ({count} modules à jour).",
    "doctor.compiled.first_run": (
        "{count} module(s) du programme pas encore compilé(s) : ce compte les compilera à la "
        "prochaine ouverture."
    ),
    "doctor.compiled.stale": (
        "{count} module(s) du programme ne sont pas compilés et ce compte ne peut pas les compiler "
        "({folder}) : chaque ouverture de la caisse les recompile (0,1 à 0,2 s de plus)."
    ),
    "doctor.fix.compile": "{python} -m compileall -q {folder}   (en root, après chaque mise à jour)",
    "doctor.summary.ok": "Tout est prêt pour ce compte.",
    "doctor.summary.bad": "{count} problème(s) à corriger.",
    "cli.no_terminal": (
        "carnet-tui s'ouvre dans un terminal ; pas de terminal ici sur : {streams}. "
        "Avec ssh, demandez-en un : ssh -t."
    ),
    "cli.stream.stdin": "l'entrée standard",
    "cli.stream.stdout": "la sortie standard",
    "cli.stream.stderr": "la sortie d'erreur",
    "err.search.too_long": "Recherche trop longue.",
}
