"""Words of the manager's back office (issue 13): carnet models, tariffs, clients."""

TEXTS: dict[str, str] = {
    # refusals
    "err.bo.billets": "Nombre de billets invalide : un entier de {min} à {max}.",
    "err.bo.too_long": "Texte trop long ({max} caractères au plus).",
    "err.bo.model.name_required": "Le nom du modèle est obligatoire.",
    "err.bo.model.name_taken": "Un modèle s'appelle déjà « {name} ».",
    "err.bo.model.sold_billets": "Ce modèle a été vendu : son nombre de billets ({count}) ne change "
                                 "plus. Créez un nouveau modèle.",
    "err.bo.model.sold_delete": "Ce modèle a été vendu : il ne peut pas être supprimé, "
                                "seulement désactivé.",
    "err.bo.tariff.label_required": "Le libellé du tarif est obligatoire.",
    "err.bo.tariff.label_taken": "Ce modèle a déjà un tarif « {label} ».",
    "err.bo.price.too_large": "Prix trop élevé ({max} DH au plus).",
    "err.bo.types": "Cochez au moins un type : A, V ou P.",
    "err.bo.date": "Date invalide : « {text} » (JJ/MM/AAAA).",
    "err.bo.period": "La période finit avant de commencer.",
    "err.bo.client.has_sales": "Ce client a des ventes : il ne peut pas être supprimé, "
                               "seulement désactivé ou fusionné.",
    "err.bo.merge.same": "Choisissez deux clients différents.",
    "err.bo.merge.inactive": "Un client inactif ne peut pas être fusionné.",
    "err.bo.export.folder": "Le dossier {path} n'existe pas.",
    "err.bo.export.failed": "Écriture du fichier impossible : {detail}",
}
