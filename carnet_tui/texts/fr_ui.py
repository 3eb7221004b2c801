"""French words of the terminal screens (keys, titles, dialogs)."""

TEXTS: dict[str, str] = {
    # application
    "app.title": "Carnets",
    "app.subtitle": "Point de vente",
    # keys (footer descriptions: short, the footer is 80 columns wide)
    "key.open_sale": "Ventes de Carnets",
    "key.quit": "Quitter",
    "key.help": "Aide",
    "key.palette": "Palette",
    "key.search": "Client",
    "key.new_client": "Nouveau",
    "key.pay": "Règlement",
    "key.close": "Clôturer",
    "key.finalize": "Finaliser",
    "key.actions": "Actions",
    "key.void": "Annuler",
    "key.home": "Accueil",
    "key.cancel": "Retour",
    "key.validate": "Valider",
    "key.yes": "Oui",
    "key.no": "Non",
    "key.retry": "Réessayer",
    "key.later": "Plus tard",
    "key.choose": "Choisir",
    "key.back": "Retour",
    "key.history": "Historique",
    "key.exact": "Montant exact",
    "key.close_now": "Clôturer et imprimer maintenant",
    "key.leave_cancel": "Annuler",
    # names of keys on a French keyboard
    "keycap.delete": "Suppr",
    "keycap.escape": "Échap",
    "keycap.enter": "Entrée",
    # home
    "err.field.too_long": "Trop long : {max} caractères au plus ; rien n'a été ajouté.",
    "home.title": "Accueil",
    "home.menu.sales": "Ventes",
    "home.hint": (
        "↑/↓ puis Entrée : ouvrir · chaque entrée a aussi sa touche (de partout)\n"
        "Ctrl+P : palette. F1 : aide. Ctrl+Q : quitter."
    ),
    # sales history
    "hist.title": "Historique des ventes",
    "hist.count": "{count} vente(s), la plus récente en haut",
    "hist.filter": "N° vente ou carnet",
    "hist.filter_placeholder": "815 ou 20191220-815A",
    "hist.sales": "Ventes",
    "hist.none": "aucune vente",
    "hist.no_sale": "Aucune vente sélectionnée.",
    "hist.carnets": "Carnets de la vente",
    "hist.carnets_of": "Carnets de la vente N° {number}",
    "hist.col.number": "N°",
    "hist.col.date": "Date",
    "hist.col.cashier": "Caissier",
    "hist.col.total": "Total",
    "hist.col.status": "Statut",
    "hist.col.billets": "Billets impr.",
    "hist.billets": "{sent}/{count}",
    "hist.status.open": "en cours",
    "hist.status.closed": "clôturée",
    "hist.status.finalized": "finalisée",
    # palette
    # Textual's own words, in French ("…" is not in the Linux console font: three dots)
    "palette.placeholder": "Rechercher une commande...",
    "palette.no_match": "Aucune commande ne correspond",
    "notice.quit_title": "Quitter ?",
    "notice.quit": "Pour quitter, appuyez sur Ctrl+Q.",
    # sale window
    "sale.title": "Ventes de Carnets",
    "sale.number": "Vente N° {number} du {date}",
    "sale.new": "Nouvelle vente · {date}",
    "sale.closed": "clôturée",
    "sale.beneficiary": "Bénéficiaire",
    "sale.client": "Client (F2)",
    "sale.search_placeholder": "nom, téléphone ou N° d'adhérent",
    "sale.clients": "Clients",
    "sale.client_chosen": "→ {name}",
    "word.carnet": "Carnet",
    "word.tariff": "Tarif",
    "sale.clients.none": "aucun client",
    "sale.carnets": "Liste des Carnets",
    "sale.tariffs": "Tarifs du Carnet",
    "sale.tariffs.none": "aucun tarif pour ce type",
    "sale.quantity": "Quantité",
    "sale.validity": "Validité",
    "sale.days": "j",
    "sale.until": "jusqu'au {date}",
    "sale.total": "Total",
    "sale.sold": "Carnets vendus",
    "sale.sold_count": "Carnets vendus ({count})",
    "sale.sold_total": "Carnets vendus ({count}) · vente {total}, réglée",
    "sale.finalize_button": "Finaliser (F8)",
    "sale.model_info": "{count} b. · {days} j",
    "col.number": "N°",
    "col.model": "Modèle",
    "col.client": "Client",
    "col.type": "T",
    "col.tariff": "Tarif",
    "col.price": "Prix",
    "col.until": "Jusqu'au",
    "col.billets": "Bil.",
    "col.print": "Impr.",
    "col.tariff_label": "Tarif",
    "col.tariff_price": "Prix",
    "print.unprinted": "non",
    "print.partial": "{sent}/{count}",
    "print.printed": "oui",
    "print.void": "annulé",
    # messages of the sale window
    "msg.no_tariff": "Choisissez un tarif dans « Tarifs du Carnet ».",
    "msg.no_model": "Choisissez un carnet dans la « Liste des Carnets ».",
    "msg.paid": "Réglé : {numbers}",
    "msg.voided": "Ligne annulée.",
    "msg.sale_closed": "Vente clôturée.",
    "msg.nothing_to_close": "Aucune ligne réglée à clôturer.",
    "msg.finalized": "Vente finalisée. Fenêtre prête pour la vente suivante.",
    "msg.nothing_to_finalize": "Aucune vente à finaliser : la fenêtre est remise à zéro.",
    "msg.close_first": "Clôturez d'abord la vente (F6).",
    "msg.line_paid": "Ligne déjà réglée. La suivante : Entrée sur un carnet, puis F4.",
    "msg.sale_set_aside": "Vente N° {number} mise de côté (non clôturée) : reprise par Alt+A ou F5.",
    "msg.sale_resumed": "Vente N° {number} reprise : F6 pour la clôturer et imprimer ses billets.",
    "msg.sale_kept": "Vente N° {number} gardée : F6 pour imprimer ses carnets restants.",
    "msg.window_busy": "Vente N° {number} en cours dans la fenêtre : clôturez-la ou F8, Plus tard.",
    "msg.no_row": "Aucun carnet sélectionné dans le tableau.",
    "msg.printed": "Billets du carnet {number} imprimés.",
    "msg.print_later": "Carnet {number} : impression reportée.",
    "msg.receipt": "Ticket imprimé.",
    "msg.receipt_printing": "Vente clôturée. Impression du ticket de caisse en cours.",
    "msg.receipt_later": "Ticket de caisse non imprimé : F7, « Imprimer le ticket » pour le sortir.",
    "receipt.failed_title": "Ticket de caisse de la vente N° {number}",
    "receipt.failed": "Le ticket de caisse n'est pas sorti :",
    "retry.hint": "R/Entrée : Réessayer · P/Échap : Plus tard",
    "msg.receipt_duplicate": "Ticket réimprimé (DUPLICATA).",
    "msg.billets_duplicate": "Billets du carnet {number} réimprimés (DUPLICATA).",
    "msg.invoice": "Facture {number} imprimée.",
    "msg.client_created": "Client créé : {name}",
    # a write under way, off the UI thread ("..." : the Linux console's font has no "…")
    "busy.saving": "Enregistrement en cours...",
    "busy.locked": "Base occupée par un autre poste, nouvel essai... ({seconds} s)",
    "busy.unreachable": "Serveur de la base injoignable, nouvel essai... ({seconds} s)",
    # payment dialog
    "pay.title": "Règlement",
    "pay.summary": "{quantity} × {model} @ {price}",
    "pay.total": "Total : {total}",
    "pay.method": "Mode",
    "pay.tendered": "Reçu",
    "pay.change": "Rendu : {change}",
    "pay.change_none": "Rendu : -",
    "pay.exact": "Montant exact (F9)",
    "sale.no_value": "-",
    "pay.cheque": "N° chèque",
    "pay.reference": "Référence",
    "pay.hint": "F9 montant exact · Tab ←/→ mode · Entrée valider · Échap annuler",
    # new client dialog
    "client.title": "Nouveau client",
    "client.name": "Nom",
    "client.phone": "Téléphone",
    "client.member": "N° adhérent",
    "client.type": "Type",
    "client.hint": "Entrée valider · Échap annuler",
    # reason dialog
    "reason.label": "Motif",
    "reason.void_title": "Annuler la ligne du carnet {number}",
    "reason.required": "Le motif est obligatoire.",
    "reason.hint": "Entrée valider · Échap annuler (rien n'est changé)",
    "reason.optional_hint": "Motif obligatoire pour un duplicata · Entrée valider · Échap annuler",
    # print dialog
    "printq.title": "Impression des Billets",
    "printq.question": "Imprimer les billets du carnet N° {number} ({count} billets) ?",
    "printq.question.one": "Imprimer le billet du carnet N° {number} (1 billet) ?",
    "printq.question.left": "Imprimer les billets du carnet N° {number} ({left}) ?",
    "printq.left.one": "1 billet restant sur {count}",
    "printq.left.many": "{left} billets restants sur {count}",
    "printq.progress": "billet {done}/{total}",
    # the manual's print window: the total, then the numbers as they come out, beside the gauge
    "printq.total": "Total des Billets : {count}",
    "printq.numbers": "N° de Carnet | N° de Billet",
    "printq.earlier": "...",  # "…" is not in the Linux console font
    "printq.failed": "Échec de l'impression du carnet N° {number} :",
    "printq.retry_hint": "R : Réessayer (reprend au billet non imprimé) · P/Échap : Plus tard",
    "printq.hint": "O/Y/Entrée : Oui · N/Échap : Non",
    "printq.preview": "Aperçu : {path}",
    # actions menu
    "actions.title": "Actions · carnet N° {number}",
    "actions.sale_title": "Actions · vente N° {number}",
    "actions.sale_label": "vente N° {number}",
    "actions.print": "Imprimer les billets (reprise)",
    "actions.receipt": "Imprimer le ticket (duplicata s'il est déjà sorti)",
    "actions.preview": "Aperçu des billets",
    "preview.title": "Aperçu des billets du carnet N° {number}",
    "actions.billets_all": "Réimprimer tous les billets (duplicata)",
    "actions.billets_range": "Réimprimer une partie des billets, de tel à tel (duplicata)",
    "actions.invoice": "Imprimer la facture (duplicata si déjà sortie)",
    "actions.history": "Historique de la vente",
    "actions.take_up": "Reprendre la vente (clôturer et imprimer)",
    "range.title": "Billets à réimprimer · carnet N° {number}",
    "range.first": "Du billet",
    "range.last": "au billet",
    "range.bad": "Numéros de billets entre 1 et {count}, « du » ≤ « au ».",
    "history.title": "Historique de la vente N° {number}",
    "history.empty": "Aucune réimpression.",
    "info.hint": "Entrée ou Échap : fermer",
    "menu.hint": "Flèches : choisir · Entrée : valider · Échap : fermer",
    # resume at start
    "resume.title": "Impressions inachevées",
    "resume.question.one": (
        "Ce carnet n'a pas tous ses billets imprimés :\n{carnets}\nLe reprendre maintenant ?"
    ),
    "resume.question.many": (
        "Ces {count} carnets n'ont pas tous leurs billets imprimés :\n{carnets}\nLes reprendre maintenant ?"
    ),
    "resume.carnet": "Carnet N° {number} : {left}",
    "resume.more": "et {count} autres carnets",
    # a paid sale not closed: asked before leaving it, offered back at start and on Alt+A
    "leave.title": "Vente réglée, non clôturée",
    "leave.question": (
        "La vente N° {number} ({total}) est réglée mais n'est pas clôturée : "
        "ses billets ne sont pas imprimés.\nCarnets non imprimés : {carnets}"
    ),
    "leave.later.quit": "Plus tard : elle restera ouverte et sera proposée au prochain démarrage.",
    "leave.later.home": "Plus tard : elle reste dans la fenêtre de vente (Alt+A).",
    "leave.later.finalize": (
        "Plus tard : elle est mise de côté, la fenêtre se vide pour la vente suivante ; "
        "Alt+A ou l'historique (F5) la reprennent."
    ),
    "leave.hint": "C : Clôturer et imprimer · P : Plus tard · Échap : Annuler",
    "offer.title": "Vente non clôturée",
    "offer.question": (
        "La vente N° {number} du {date} ({count}, {total}) n'est pas clôturée : la reprendre ?\n"
        "Carnets non imprimés : {carnets}"
    ),
    "offer.hint": "O/Y/Entrée : la reprendre (F6 l'imprime) · N/Échap : plus tard",
    "word.carnets.one": "1 carnet",
    "word.carnets.many": "{count} carnets",
    "word.and_more": "et {count} autres",
    "unprinted.title": "Carnets non imprimés",
    "unprinted.question": (
        "Finaliser la vente N° {number} ? Ces carnets resteront non imprimés : {carnets}\n"
        "Ils pourront être imprimés plus tard depuis l'historique (F5, F7)."
    ),
    "unprinted.hint": "O/Y : Oui, finaliser · N/Entrée/Échap : Non, garder la vente",
    # help
    "help.title": "Aide · touches",
    "help.body": (
        "Tab / Maj+Tab    zone suivante / précédente (↑ / ↓ hors des listes)\n"
        "Entrée           choisir et passer à la zone suivante\n"
        "A / V / P        type de bénéficiaire (zone Bénéficiaire)\n"
        "F2 / F3          recherche du client / nouveau client\n"
        "F4 / F9          Règlement : payer la ligne / montant exact (espèces)\n"
        "F6               Clôturer la vente et imprimer les billets\n"
        "F7 / Maj+F10     actions sur la ligne : réimpressions, facture\n"
        "Suppr            annuler la ligne (avec un motif)\n"
        "F8               Finaliser : fenêtre prête pour la vente suivante\n"
        "O, Y / N         Oui / Non dans les questions\n"
        "Échap            fermer une fenêtre sans rien changer\n"
        "Ctrl+P           palette de commandes · Ctrl+Q quitter"
    ),
}
