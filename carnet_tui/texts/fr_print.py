"""French words of printing: what comes out on paper, and the printer's error messages."""

TEXTS: dict[str, str] = {
    # on paper
    "print.duplicate": "*** DUPLICATA ***",
    "print.billet.carnet": "Carnet N° {number}",
    "print.billet.number": "{number}  {seq}/{count}",
    "print.billet.valid": "Valable jusqu'au {date} inclus",
    "print.billet.client": "{client} - {type}",
    "print.receipt.title": "TICKET DE CAISSE",
    "print.receipt.sale": "Vente N° {number}",
    "print.receipt.cashier": "Caissier : {cashier}",
    "print.receipt.line": "{quantity} x {model}",
    "print.receipt.unit": "  @ {price}",
    "print.receipt.carnet": "  Carnet {number}",
    "print.receipt.voided": "  LIGNE ANNULÉE",
    "print.receipt.total": "TOTAL",
    "print.receipt.tendered": "  Reçu",
    "print.receipt.change": "  Rendu",
    "print.receipt.thanks": "Merci de votre visite",
    "print.invoice.title": "FACTURE N° {number}",
    "print.invoice.date": "Date : {date}",
    "print.invoice.sale": "Vente N° {number} du {date}",
    "print.invoice.client": "Client : {client}",
    "print.invoice.no_client": "Client : comptoir",
    "print.invoice.ids": "ICE {ice}",
    "print.invoice.ids2": "IF {if_number} - RC {rc} - Patente {patente}",
    "print.invoice.unit": "  @ {price} TTC",
    "print.invoice.ht": "Total HT",
    "print.invoice.vat": "TVA {rate} %",
    "print.invoice.ttc": "Total TTC",
    "print.invoice.words": "Arrêtée la présente facture à la somme de :",
    "print.preview.qr": "[QR {data}]",
    # printer failures (PrinterError.message)
    "print.err.timeout": (
        "L'imprimante ne répond plus (délai de {seconds} s dépassé) : vérifiez qu'elle est allumée, "
        "le câble et le papier."
    ),
    "print.err.unplugged": "L'imprimante a été débranchée ou la liaison coupée ({device}).",
    "print.err.refused": (
        "L'imprimante {device} refuse la connexion : vérifiez l'adresse et qu'elle est allumée."
    ),
    "print.err.not_found": "Imprimante introuvable : {device}.",
    "print.err.passthrough": (
        "Ce document contient la séquence qui termine l'impression par le terminal (ESC [ 4 i) : "
        "il n'est pas envoyé. Utilisez une imprimante réseau (tcp:) pour ce poste."
    ),
    "print.err.spool": (
        "L'aperçu d'impression (preview) ne peut pas écrire dans {device} ({detail}) : donnez un "
        "dossier de données inscriptible (--data-dir ou CARNET_DATA_DIR) ou une imprimante (--printer)."
    ),
    "print.err.not_ours": (
        "Le fichier {device} existe déjà et n'a pas été créé par carnet-tui : il n'est pas touché. "
        "Choisissez un nouveau fichier, un périphérique (/dev/…) ou un tube nommé (FIFO)."
    ),
    "print.err.no_paper": "Plus de papier dans l'imprimante : remettez un rouleau puis réessayez.",
    "print.err.offline": "L'imprimante est hors ligne (capot ouvert ou erreur) : vérifiez-la puis réessayez.",
    "print.err.url": "Adresse d'imprimante non reconnue : « {url} ».",
    "print.err.driver": "Pilote d'imprimante indisponible pour {device} : {detail}",
    "history.resume_detail": "{number} {duplicate} (reprise)",
    "print.err.usb_pyusb": "pyusb (pip install pyusb) et libusb sont requis",
    "print.err.usb_libusb": "libusb est requis (paquet libusb-1.0-0)",
    "print.err.profile": "Profil d'imprimante inconnu : « {profile} » (voir python-escpos, profils).",
    "print.err.codepage": "La page de codes {codepage} n'est pas connue du profil d'imprimante {profile}.",
    "print.err.other": "Erreur d'impression ({device}) : {detail}",
    # refused actions (DomainError)
    "err.print.sale_not_closed": "La vente n'est pas clôturée : rien ne peut encore être imprimé.",
    "err.print.voided": "Ce carnet appartient à une ligne annulée : il ne s'imprime pas.",
    "err.print.carnet_not_found": "Carnet introuvable.",
    "err.print.elsewhere": (
        "Le carnet N° {number} est en cours d'impression à un autre poste : "
        "réessayez quand ce poste aura fini."
    ),
    "err.print.reason_required": "Le motif de la réimpression est obligatoire.",
    "err.print.range_not_number": "Les numéros de billet « de » et « à » doivent être des nombres entiers.",
    "err.print.range": (
        "Plage de billets invalide : de {first} à {last}, pour des billets numérotés de 1 à {count}."
    ),
    "err.print.never_printed": (
        "Le billet {number} n'a jamais été imprimé : imprimez d'abord le carnet (pas de duplicata)."
    ),
    "err.print.no_lines": "Cette vente n'a aucune ligne à facturer.",
    # short: it is said on the window's one message line; README, "Settings", names the keys
    "err.print.legal_ids": "Facture refusée, réglages venue à remplir : {missing}.",
    "print.legal.name": "nom",
    "print.legal.address": "adresse",
    "print.legal.ice": "ICE",
    "print.legal.if_number": "IF",
    "print.legal.rc": "RC",
    "print.legal.patente": "patente",
    # history
    "history.billets": "Billets",
    "history.receipt": "Ticket",
    "history.invoice": "Facture",
    "history.void": "Ligne annulée",
    "history.original": "original",
    "history.duplicate": "duplicata",
    "history.resume_reason": "Reprise après incident d'impression (billet peut-être déjà sorti)",
}
