import type { DecidedPhoto, NoPhotoKind, PlacedPhotos, Regrouped } from "../../core/events.js";

/** The page's words, French first (vbulk's sellers list on Vinted France), English on request. */
const FR = {
  title: "Revue des articles",
  lang: "English",
  loading: "Chargement…",
  noCatalog: "Pas encore de catalogue dans ce dossier.",
  analyse: "Analyser les photos de {s}",
  analysing: "Analyse : {stage} {done}/{total}",
  dropZip: "…ou déposez ici un ZIP de photos (ou cliquez pour le choisir)",
  sumArticles_one: "{n} article",
  sumArticles_other: "{n} articles",
  sumPhotos_one: "{n} photo",
  sumPhotos_other: "{n} photos",
  sumDuplicates_one: "{n} doublon mis de côté",
  sumDuplicates_other: "{n} doublons mis de côté",
  sumErrors_one: "{n} illisible",
  sumErrors_other: "{n} illisibles",
  overview: "Vue d'ensemble",
  doubtfulFirst: "Douteux d'abord",
  undo: "Annuler la dernière décision ({n})",
  undone: "Décision annulée.",
  saved: "Enregistré.",
  article: "Article",
  photos_one: "{n} photo",
  photos_other: "{n} photos",
  unknownType: "type non reconnu (à choisir)",
  score: "score {s}",
  low: "à vérifier",
  bySeller: "vos décisions",
  cohesion: "cohésion {c}",
  runnerUp: "sinon {c} ({s})",
  modelColor: "le modèle voit {c} ({s})",
  select: "Sélectionner {f}",
  open: "Ouvrir {f} en grand",
  openSelected: "Ouvrir {f} en grand (photo sélectionnée)",
  close: "Fermer",
  fileFromZip: "{f} (dans le ZIP : {z})",
  selection_one: "{n} photo sélectionnée",
  selection_other: "{n} photos sélectionnées",
  moveTo: "Déplacer vers",
  move: "Déplacer",
  newArticle: "Nouvel article",
  drop: "Retirer de l'annonce",
  clear: "Tout désélectionner",
  mergeWith: "Fusionner avec",
  merge: "Fusionner",
  restore: "Garder cette photo",
  duplicates: "Doublons mis de côté",
  duplicateOf: "copie de {f}",
  dropped: "Photos retirées de l'annonce",
  errors: "Fichiers illisibles",
  listingSummary: "Annonce : {t} · {p} €",
  badgeExcluded: "exclue",
  badgePublish: "à publier",
  noPlan: "Pas encore de plan : « Générer le plan » pour modifier les annonces.",
  generatePlan: "Générer le plan",
  // The plural follows the articles ready in French (« 1 article prêt sur 9 »), all of them in English.
  planDone_one: "Plan écrit dans plan.json : {n} article prêt pour Vinted sur {total}.",
  planDone_other: "Plan écrit dans plan.json : {n} articles prêts pour Vinted sur {total}.",
  planNotReady_one: "{n} article est marqué « à compléter » : ouvrez son annonce pour voir ce qui manque.",
  planNotReady_other:
    "{n} articles sont marqués « à compléter » : ouvrez leur annonce pour voir ce qui manque.",
  badgeNotReady: "à compléter",
  save: "Enregistrer l'annonce",
  discard: "Abandonner les modifications",
  discarded: "Modifications non enregistrées de {id} abandonnées.",
  unsavedFirst_one:
    "Rien n'a changé : l'annonce {list} a des modifications non enregistrées. Enregistrez-les (« Enregistrer l'annonce ») ou abandonnez-les (« Abandonner les modifications »), puis recommencez : un regroupement peut donner ce numéro d'article à d'autres photos, et ce que vous avez tapé serait perdu.",
  unsavedFirst_other:
    "Rien n'a changé : les annonces {list} ont des modifications non enregistrées. Enregistrez-les (« Enregistrer l'annonce ») ou abandonnez-les (« Abandonner les modifications »), puis recommencez : un regroupement peut donner ces numéros d'article à d'autres photos, et ce que vous avez tapé serait perdu.",
  leftTitle: "Modifications non enregistrées d'articles qui ne sont plus là",
  leftGone:
    "{id} ({files}) n'est plus dans le catalogue (fusionné dans un autre onglet, ou regroupé par une nouvelle analyse) : ce que vous y aviez tapé n'a pas été enregistré. Copiez-le dans l'annonce de ce vêtement :",
  leftOther:
    "{id} désigne maintenant d'autres photos ({now}) que celles pour lesquelles vous aviez tapé ({files}) : le catalogue a été refait, et rien n'a été enregistré. Copiez-le dans l'annonce de ce vêtement :",
  leftTyped: "Ce que vous aviez tapé pour {id}",
  leftForget: "Oublier",
  leftSaid_one:
    "L'article {list} n'est plus celui pour lequel vous aviez tapé : ce que vous aviez tapé, non enregistré, est gardé plus haut, à copier.",
  leftSaid_other:
    "Les articles {list} ne sont plus ceux pour lesquels vous aviez tapé : ce que vous aviez tapé, non enregistré, est gardé plus haut, à copier.",
  analyseUnsaved_one:
    "L'annonce {list} a des modifications non enregistrées. Une nouvelle analyse peut changer son article : ce que vous avez tapé serait alors gardé à part, à copier, sans être enregistré. Analyser quand même ?",
  analyseUnsaved_other:
    "Les annonces {list} ont des modifications non enregistrées. Une nouvelle analyse peut changer leurs articles : ce que vous avez tapé serait alors gardé à part, à copier, sans être enregistré. Analyser quand même ?",
  nothingSaved: "Rien n'a été enregistré.",
  conflict_one:
    "Rien n'a été enregistré : {list} a changé dans plan.json pendant que vous tapiez (un « vbulk plan --set » dans un terminal, ou un autre onglet). La page montre maintenant plan.json ; ce que vous avez tapé est resté dans les champs : enregistrez à nouveau pour le remplacer.",
  conflict_other:
    "Rien n'a été enregistré : {list} ont changé dans plan.json pendant que vous tapiez (un « vbulk plan --set » dans un terminal, ou un autre onglet). La page montre maintenant plan.json ; ce que vous avez tapé est resté dans les champs : enregistrez à nouveau pour le remplacer.",
  conflictItem: "{f} de {id} (maintenant {now})",
  // A field named in a sentence, with its article (« le prix de c1 », « la taille de c2 »).
  the_title: "le titre",
  the_description: "la description",
  the_price: "le prix",
  the_size: "la taille",
  the_brand: "la marque",
  the_condition: "l'état",
  the_category: "le type",
  the_color: "la couleur",
  the_gender: "le rayon",
  the_publish: "la case « Publier »",
  the_excluded: "la case « Exclure »",
  serverGone:
    "La page ne joint plus vbulk review (le serveur s'est arrêté ou a été relancé) : rien n'a été enregistré. Ce que vous avez tapé reste affiché tant que cet onglet reste ouvert : recopiez-le, relancez « vbulk review » dans le terminal et ouvrez le lien qu'il affiche.",
  needsReview: "À compléter : {r}",
  rr_category: "type non reconnu : choisissez-le dans « Type » (aucun modèle CLIP n'a analysé les photos)",
  rr_department: "rayon inconnu : choisissez-le dans « Rayon »",
  rr_size: "taille manquante : Vinted en demande une pour ce type",
  rr_too_many_photos:
    "{n} photos : sans doute plusieurs vêtements réunis (Vinted prend 20 photos par annonce au plus) : sélectionnez les photos d'un autre vêtement, puis « Nouvel article »",
  rr_not_on_vinted_homme:
    "Vinted n'a pas de catégorie Hommes pour « {c} » : choisissez Femmes dans « Rayon », ou un autre « Type »",
  rr_not_on_vinted_femme:
    "Vinted n'a pas de catégorie Femmes pour « {c} » : choisissez Hommes dans « Rayon », ou un autre « Type »",
  placedKept_one: "{n} article d'avant gardé tel quel",
  placedKept_other: "{n} articles d'avant gardés tels quels",
  placedAdded_one: "{n} photo ajoutée (dans un article d'avant : {joined} ; en nouvel article : {others})",
  placedAdded_other:
    "{n} photos ajoutées (dans un article d'avant : {joined} ; en nouvel article : {others})",
  placedRemoved_one: "{n} photo retirée",
  placedRemoved_other: "{n} photos retirées",
  placedSwapped_one: "{n} photo remplacée par une nouvelle dans son article",
  placedSwapped_other: "{n} photos remplacées par une nouvelle dans leur article",
  placedReplaced_one: "{n} photo remplacée par une copie plus grande d'elle-même (gardée dans son article)",
  placedReplaced_other:
    "{n} photos remplacées par une copie plus grande d'elles-mêmes (gardées dans leur article)",
  placed: "Nouvelle analyse : {parts}. Vérifiez les nouveaux articles sur cette page.",
  placedNoneNew: "Nouvelle analyse : {parts}. Vérifiez les articles concernés sur cette page.",
  cpuFallback:
    "Le GPU (CUDA, demandé par VBULK_DEVICE=cuda) n'est pas disponible : l'analyse tourne sur le processeur, plus lentement ({reason}). Voir la section Install du README (GPU users) pour installer CUDA pour onnxruntime-node.",
  noModel:
    "Sans modèle CLIP : les photos sont regroupées par couleur et texture, et le type de chaque article est à choisir dans « Type ». Dans un terminal, `vbulk models pull` télécharge le modèle.",
  resaved_one:
    "{n} photo enregistrée à nouveau depuis la dernière analyse (la même, retouchée ou ré-encodée) : son article, vos décisions et vos modifications la suivent.",
  resaved_other:
    "{n} photos enregistrées à nouveau depuis la dernière analyse (les mêmes, retouchées ou ré-encodées) : leurs articles, vos décisions et vos modifications les suivent.",
  photoEmpty:
    "fichier vide (0 octet) : copiez la photo à nouveau depuis le téléphone ou l'appareil, ou retirez-la du dossier",
  photoTooLarge:
    "image trop grande pour être analysée (plus de {max} mégapixels) : réduisez-la avant, ou augmentez decode.maxPixels dans le fichier de configuration",
  photoDamaged:
    "illisible : le fichier est abîmé ou n'est pas une photo ; copiez-la à nouveau depuis le téléphone ou l'appareil, ou retirez-la du dossier",
  photoTooSmall:
    "image trop petite pour montrer un vêtement ({w} × {h} pixels, il en faut au moins {min} de côté) : mettez la photo en taille réelle, ou retirez-la du dossier",
  photoTooLong:
    "image trop allongée pour montrer un vêtement ({w} × {h} pixels, {ratio} fois plus longue que large, au plus {max}) : mettez la photo elle-même, ou retirez-la du dossier",
  // A photo the system could not read at all (src/ingest/analyse.ts osError): once fixed, the page offers no
  // « Analyser à nouveau » for it (it is not new to the folder), so the terminal's ingest reads it again.
  photoDenied:
    "vbulk n'a pas le droit de lire ce fichier : autorisez sa lecture (dans ses propriétés) ou copiez-le à nouveau dans le dossier, puis analysez le dossier à nouveau (`vbulk ingest` dans un terminal)",
  photoDiskError:
    "le disque n'a pas pu lire ce fichier (erreur de lecture) : le disque, la carte mémoire ou le dossier réseau est peut-être abîmé ou débranché ; rebranchez-le ou copiez la photo sur un autre disque, puis analysez le dossier à nouveau (`vbulk ingest` dans un terminal)",
  photoGone:
    "le fichier a disparu pendant l'analyse (déplacé, renommé ou supprimé) : pour le garder, remettez-le dans le dossier, puis analysez le dossier à nouveau (`vbulk ingest` dans un terminal)",
  unverifiedModel:
    "Le modèle CLIP du dossier {dir} n'a pas de vbulk-model.json : il est chargé sans que ses fichiers soient vérifiés. Dans un terminal, lancez une fois `vbulk models manifest` sur ce dossier pour noter leurs tailles et leurs sha256.",
  unverifiedModelReadOnly:
    "Le modèle CLIP du dossier {dir} n'a pas de vbulk-model.json : il est chargé sans que ses fichiers soient vérifiés. Vous ne pouvez pas écrire dans ce dossier : copiez-le dans un dossier à vous, lancez `vbulk models manifest` sur la copie dans un terminal et faites pointer VBULK_MODEL_DIR sur elle, ou demandez au propriétaire du dossier de le lancer.",
  earlierRun:
    "{zip} contient les fichiers d'une analyse vbulk précédente ({list}) : ils ne sont pas repris, donc ses modifications (annonces, décisions de regroupement, numéros d'article) ne sont pas sur cette page. Pour les garder, décompressez le ZIP, puis, dans un terminal, lancez `vbulk ingest` puis `vbulk review` sur le dossier obtenu.",
  untimedSource_one:
    "1 photo sur {total} n'a pas d'heure de prise de vue et son nom la place {where} toutes celles qui en ont une ({files}) : elle vient d'ailleurs (envoyée par une messagerie, par exemple). Elle garde l'ordre de son nom, {where} les autres, rangées par heure de prise de vue.",
  untimedSource_other:
    "{n} photos sur {total} n'ont pas d'heure de prise de vue et leurs noms les placent {where} toutes celles qui en ont une ({files}) : elles viennent d'ailleurs (envoyées par une messagerie, par exemple). Elles gardent l'ordre de leurs noms, {where} les autres, rangées par heure de prise de vue.",
  screenshots_one:
    "1 photo ressemble à une capture d'écran de téléphone (un PNG aux proportions d'un écran, sans heure de prise de vue : {files}) : elle est placée après les autres pour ne pas couper un vêtement ; retirez-la de l'annonce si elle ne montre aucun vêtement.",
  screenshots_other:
    "{n} photos ressemblent à des captures d'écran de téléphone (des PNG aux proportions d'un écran, sans heure de prise de vue : {files}) : elles sont placées après les autres pour ne pas couper un vêtement ; retirez-les des annonces si elles ne montrent aucun vêtement.",
  sideways_one:
    "1 photo sur {total} est en paysage dans un lot pris en portrait ({files}) : si elle montre un vêtement couché sur le côté (une application a perdu son orientation), tournez-la dans une application de photos avant de publier : Vinted la montrerait telle quelle.",
  sideways_other:
    "{n} photos sur {total} sont en paysage dans un lot pris en portrait ({files}) : si l'une montre un vêtement couché sur le côté (une application a perdu son orientation), tournez-la dans une application de photos avant de publier : Vinted la montrerait telle quelle.",
  regrouped:
    "Les articles précédents n'ont pas été gardés : {why}, donc toutes les photos ont été regroupées à nouveau. Un article qui change repart des règles du plan (ses modifications sont mises de côté, et rendues quand c'est de nouveau ce vêtement) : vérifiez les articles.",
  regroupedSettings: "les réglages de regroupement ont changé depuis la dernière analyse ({list})",
  regroupedSettingsAny: "les réglages de regroupement ont changé depuis la dernière analyse",
  regroupedModel: "le modèle a changé ({was} → {now})",
  regroupedAnd: " et ",
  handEdited:
    "catalog.json a été modifié à la main depuis que vbulk l'a écrit : votre version est gardée sous {kept}, et catalog.json est réécrit à partir des photos. Changez le type ou la couleur d'un article sur cette page (les analyses suivantes le gardent) ; regroupez les photos ici aussi.",
  handEditedDecided:
    "catalog.json avait été modifié à la main depuis que vbulk l'a écrit : votre version est gardée sous {kept}, et catalog.json est réécrit avec votre décision. Changez le type ou la couleur d'un article dans son annonce sur cette page (les analyses suivantes la gardent).",
  untimedWhere_before: "avant",
  untimedWhere_after: "après",
  untimedWhere_both: "avant et après",
  untimedAmong_one:
    "1 photo sur {total} n'a pas d'heure de prise de vue ({files}) : les autres sont rangées par heure de prise de vue, et elle suit la photo dont le nom précède le sien.",
  untimedAmong_other:
    "{n} photos sur {total} n'ont pas d'heure de prise de vue ({files}) : les autres sont rangées par heure de prise de vue, et chacune suit la photo dont le nom précède le sien.",
  orderUnclear:
    "L'ordre de ces {n} photos ne montre pas un vêtement après l'autre (noms mélangés, pas d'heure de prise de vue, ou trop peu de photos pour le dire) : elles sont regroupées d'après leur apparence seulement. Vérifiez d'abord les articles marqués « à vérifier » et corrigez le regroupement sur cette page. Si les photos sont dans l'ordre de prise de vue (toutes celles d'un vêtement, puis le suivant), lancez plutôt `vbulk ingest --grouping sequence` sur le dossier dans un terminal.",
  orderUnclearAlone:
    "L'ordre de ces {n} photos ne montre pas un vêtement après l'autre (noms mélangés, pas d'heure de prise de vue, ou trop peu de photos pour le dire) : elles sont regroupées d'après leur apparence seulement, et aucune ne ressemblait assez à une autre pour la rejoindre : chaque photo est un article à elle seule. Réunissez sur cette page les photos d'un même vêtement (« Fusionner », ou en les faisant glisser). Si les photos sont dans l'ordre de prise de vue (toutes celles d'un vêtement, puis le suivant), lancez plutôt `vbulk ingest --grouping sequence` sur le dossier dans un terminal.",
  noneRead_one: "La photo n'a pas pu être lue : {what}.",
  noneRead_other: "Aucune des {n} photos n'a pu être lue : {what}.",
  noneReadKept: "le catalogue de l'analyse précédente est gardé tel quel",
  noneReadNothing: "aucun catalogue n'a été écrit",
  noneReadHint:
    "corrigez ce que disent les messages ci-dessous (un disque, une permission, une copie abîmée), puis cliquez à nouveau « Analyser les photos ».",
  noneReadKeptHint:
    "corrigez ce que disent les messages ci-dessous (un disque, une permission, une copie abîmée), puis analysez le dossier à nouveau (`vbulk ingest` dans un terminal).",
  // What to do again once an analysis's (or a load's) stop is mended: the button the seller clicked, or the ZIP
  // dropped (« Analyser les photos » would analyse the folder, not the ZIP), or nothing for a load (the page polls).
  retry_first: "cliquez à nouveau « Analyser les photos »",
  retry_again: "cliquez de nouveau sur « Analyser à nouveau »",
  retry_upload: "déposez à nouveau le ZIP sur cette page",
  retry_load: "attendez quelques secondes : la page se recharge d'elle-même",
  retry_other: "recommencez",
  stopBusy:
    "Une autre analyse de ce dossier est en cours (celle de {source}, processus {pid}, depuis le {at}) : celle-ci n'a pas démarré, rien n'a été écrit.",
  stopBusyHint:
    "attendez la fin de l'autre analyse (un `vbulk ingest` dans un terminal, ou la page d'un autre `vbulk review`), dont cette page montre l'avancement : ses articles s'affichent ici quand elle se termine.",
  stopBusyDecision:
    "La page enregistre une décision de regroupement sur ce dossier depuis le {at} (processus {pid}) : l'analyse n'a pas démarré, rien n'a été écrit.",
  stopBusyDecisionHint: "attendez que la page montre la décision, puis {retry}.",
  stopRunning:
    "Une analyse de ce dossier est déjà en cours sur cette page (demandée d'un autre onglet, ou un ZIP déposé pendant qu'elle tournait) : celle-ci n'a pas démarré, rien n'a été écrit.",
  stopRunningHint:
    "attendez la fin de l'analyse en cours, dont cette page montre l'avancement, puis {retry}.",
  stopRunningDrafts:
    "Des brouillons sont déjà en cours d'envoi depuis cette page (peut-être depuis un autre onglet) : rien d'autre n'a été envoyé.",
  stopRunningDraftsHint: "attendez la fin de cet envoi, dont cette page montre l'avancement.",
  stopStopping: "vbulk review est en train de s'arrêter : rien n'a démarré.",
  stopStoppingHint: "relancez `vbulk review` dans un terminal, puis rechargez cette page.",
  stopJournalSite:
    "Le journal des envois de ce dossier (journal.json) note des brouillons de {recorded}, pas de {site} : leurs numéros sont ceux de l'autre site. Rien n'a été envoyé.",
  stopJournalSiteHint:
    "pour continuer sur {recorded}, relancez `vbulk review` dans un terminal avec VBULK_VINTED_URL={recorded} ; pour recommencer sur {site}, déplacez journal.json hors du dossier (les brouillons déjà faits restent sur {recorded}).",
  stopTooMany:
    "Le dossier contient {found} photos, plus que la limite de {limit} par analyse : rien n'a été analysé.",
  stopTooManyZip:
    "Le ZIP contient {found} photos, plus que la limite de {limit} par analyse : rien n'a été extrait.",
  stopTooManyHint:
    "répartissez les photos dans plusieurs dossiers, un `vbulk review` par dossier ; ou, si ce sont bien les photos d'une même vente, relevez la limite : {raise}.",
  stopTooManyZipHint:
    "répartissez les photos dans plusieurs ZIP de {limit} photos au plus, chacun analysé dans son propre dossier ; ou, si ce sont bien les photos d'une même vente, relevez la limite : {raise}.",
  raiseInConfig:
    "mettez sources.maxFiles à {found} au moins dans le fichier de configuration {file}, puis {retry}",
  raiseNoConfig:
    'écrivez {"sources": {"maxFiles": {found}}} dans un fichier de configuration, puis relancez `vbulk review` dans un terminal avec VBULK_CONFIG=ce fichier',
  raiseInEnv:
    "relancez `vbulk review` dans un terminal avec BULK_MAX_FILES={found} au moins (la limite vient de cette variable)",
  stopDamaged: "vbulk ne peut pas lire {file} dans ce dossier : {what}. Rien n'a été écrit.",
  damaged_syntax: "ce n'est plus du JSON valide (ligne {line}, colonne {column})",
  damaged_empty: "le fichier est vide",
  // Also a JSON cut short or with a stray character: Node says where only for some syntax errors.
  "damaged_not-json": "ce n'est pas du JSON valide",
  damaged_field: "le champ {field} n'a pas la forme qu'attend vbulk",
  "damaged_unknown-field": "le champ {field} n'est pas un champ que vbulk connaît",
  damagedNear: "(vouliez-vous dire {near} ?)",
  "damaged_same-id": "deux articles y portent le numéro {id}",
  "damaged_same-photo": "la photo {photo} y est dans deux articles",
  damaged_newer: "il a été écrit par une version plus récente de vbulk",
  damaged_foreign: "ce n'est pas un fichier écrit par vbulk",
  damagedCatalogHint:
    "il garde les numéros d'article auxquels renvoient votre plan et vos brouillons Vinted : corrigez-le à l'endroit indiqué (une modification à la main ?), ou mettez-le de côté (renommez-le) pour repartir de zéro avec de nouveaux numéros d'article ; puis {retry}.",
  damagedDecisionsHint:
    "il garde vos décisions de regroupement : corrigez-le à l'endroit indiqué (une modification à la main ?), ou mettez-le de côté (renommez-le) pour repartir du regroupement automatique, sans vos décisions ; puis {retry}.",
  damagedNewerHint:
    "mettez à jour vbulk (à la version qui a écrit ce fichier), puis relancez `vbulk review` dans un terminal.",
  stopModel:
    "Ce dossier a été analysé avec le modèle CLIP {model}, qui n'est pas disponible maintenant ({why}) : l'analyse n'a pas démarré, rien n'a été écrit. Sans lui, chaque photo serait regroupée à nouveau, et le type et le rayon de chaque article deviendraient inconnus.",
  modelWhy_offline: "vbulk est hors ligne, VBULK_OFFLINE, et le modèle n'est pas utilisable dans son cache",
  modelWhy_network: "il n'est pas dans le cache de vbulk et n'a pas pu être téléchargé",
  "modelWhy_cache-folder":
    "il n'est pas dans le cache de vbulk, et le dossier du cache ne peut pas être écrit pour l'y télécharger",
  modelHint_offline:
    "dans un terminal, lancez `VBULK_OFFLINE= vbulk models pull` une fois en ligne, puis {retry} ; ou relancez `vbulk review` avec VBULK_MODEL_DIR sur le dossier du modèle qu'a utilisé l'analyse précédente.",
  modelHint_network:
    "vérifiez la connexion de cet ordinateur, puis {retry} ; ou relancez `vbulk review` dans un terminal avec VBULK_MODEL_DIR sur le dossier du modèle qu'a utilisé l'analyse précédente.",
  "modelHint_cache-folder":
    "relancez `vbulk review` dans un terminal avec VBULK_CACHE_DIR sur un dossier où vous pouvez écrire, ou avec VBULK_MODEL_DIR sur le dossier du modèle qu'a utilisé l'analyse précédente.",
  modelNoModel:
    "Pour tout regrouper sans modèle, exprès : `vbulk ingest --no-model` sur ce dossier, dans un terminal.",
  stopDiskFull: "Le disque est plein : vbulk n'a pas pu écrire dans {path}.",
  stopDiskFullHint:
    "libérez de la place sur ce disque (videz la corbeille, supprimez ou déplacez de gros fichiers), puis {retry}.",
  stopDenied: "vbulk n'a pas le droit d'écrire dans {path}.",
  stopDeniedHint:
    "autorisez l'écriture dans ce dossier pour votre compte (dans ses propriétés), puis {retry} ; ou copiez les photos dans un dossier à vous et lancez `vbulk review` sur la copie, dans un terminal.",
  stopReadOnly:
    "Le disque de {path} est en lecture seule (une carte mémoire verrouillée, un disque réseau ou une image disque, par exemple) : vbulk ne peut rien y écrire.",
  stopReadOnlyHint:
    "copiez les photos dans un dossier d'un disque où vous pouvez écrire, puis lancez `vbulk review` sur la copie, dans un terminal.",
  stopTooLong: "Le chemin de {path} est trop long pour ce système : vbulk ne peut pas y écrire.",
  stopTooLongHint:
    "déplacez les photos dans un dossier au chemin plus court (moins de dossiers imbriqués, des noms plus courts), puis lancez `vbulk review` sur ce dossier, dans un terminal.",
  stopFileInWay: "Un fichier se trouve là où vbulk doit créer un dossier : {path}.",
  stopFolderInWay: "Un dossier se trouve là où vbulk doit écrire un fichier : {path}.",
  stopInWayHint: "renommez-le ou déplacez-le ailleurs, puis {retry}.",
  stopLinkInWay:
    "Un lien symbolique se trouve là où vbulk doit créer un dossier : {path}. vbulk ne suit pas les liens (il pourrait écrire n'importe où).",
  stopLinkInWayHint: "supprimez ce lien, puis {retry}.",
  stopReadDenied: "vbulk n'a pas le droit de lire {path}.",
  stopReadDeniedHint: "autorisez sa lecture pour votre compte (dans ses propriétés), puis {retry}.",
  stopZipCut:
    "Ce fichier n'est pas un ZIP complet : il a été coupé (un téléchargement ou une copie pas terminés), ou ce n'est pas un ZIP du tout. Rien n'a été extrait.",
  stopZipCutHint:
    "téléchargez ou copiez le ZIP à nouveau (comparez sa taille avec celle de l'original), ou refaites-le depuis le dossier des photos (clic droit → Compresser), puis déposez-le à nouveau sur cette page.",
  stopZipDamaged: "Ce ZIP est abîmé : vbulk ne peut pas le lire. Rien n'a été extrait.",
  notZip_empty: "Ce fichier est vide (0 octet) : ce n'est pas un ZIP. Rien n'a été extrait.",
  notZip_photo: "Ce fichier n'est pas un ZIP : c'est une photo, nommée en .zip. Rien n'a été extrait.",
  notZipHint_photo:
    "faites un ZIP du dossier des photos (clic droit → Compresser) et déposez-le sur cette page, ou lancez `vbulk review` sur le dossier des photos, dans un terminal.",
  notZip_archive:
    "Ce fichier n'est pas un ZIP : c'est une archive d'un autre format (RAR, 7-Zip ou gzip), que vbulk n'ouvre pas. Rien n'a été extrait.",
  notZipHint_archive:
    "extrayez-la (7-Zip, The Unarchiver ou votre gestionnaire de fichiers), puis faites un ZIP du dossier obtenu (clic droit → Compresser) et déposez-le sur cette page.",
  notZip_page:
    "Ce fichier n'est pas un ZIP : c'est une page web enregistrée sous un nom en .zip (un lien de téléchargement qui a répondu par une page, de connexion par exemple). Rien n'a été extrait.",
  notZipHint_page: "téléchargez à nouveau le ZIP là où il se trouve, puis déposez-le sur cette page.",
  notZip_other: "Ce fichier n'est pas un ZIP. Rien n'a été extrait.",
  notZipHint_other:
    "déposez le ZIP de vos photos (clic droit sur leur dossier → Compresser), ou lancez `vbulk review` sur le dossier des photos, dans un terminal.",
  stopZipDamagedHint:
    "refaites le ZIP depuis le dossier des photos (clic droit → Compresser), puis déposez-le à nouveau sur cette page ; ou lancez `vbulk review` sur le dossier des photos lui-même, dans un terminal.",
  zipEntries:
    "Ce ZIP contient {found} entrées, bien plus qu'un ZIP de photos (au plus {max}) : rien n'a été extrait.",
  zipEntriesHint:
    "vérifiez le fichier : ce n'est pas un ZIP de photos. Si ce sont bien des photos, décompressez-le vous-même et lancez `vbulk review` sur le dossier obtenu, dans un terminal.",
  zipRatio:
    "Dans ce ZIP, {entry} se décompresse en un fichier {ratio} fois plus gros, ce que des photos ne font pas (au plus {max} fois) : il ressemble à une « bombe ZIP ». Rien n'a été extrait.",
  zipRatioHint:
    "vérifiez d'où vient ce ZIP ; pour vos photos, refaites le ZIP depuis leur dossier (clic droit → Compresser), puis déposez-le à nouveau sur cette page.",
  zipTotal: "Décompressé, ce ZIP dépasserait {max} : rien n'a été extrait.",
  zipTotalHint:
    "découpez-le en plusieurs ZIP plus petits, chacun analysé dans son propre dossier, ou relevez sources.maxTotalBytes dans le fichier de configuration (VBULK_CONFIG).",
  zipUpload: "Ce ZIP dépasse {max}, la taille que la page peut recevoir : il n'a pas été envoyé.",
  zipUploadHint:
    "découpez-le en plusieurs ZIP plus petits, ou décompressez-le et lancez `vbulk review` sur le dossier obtenu, dans un terminal.",
  stopNotZip: "« {name} » n'est pas un ZIP : la page ne reçoit que des fichiers .zip de photos.",
  stopNotZipHint:
    "faites un ZIP des photos (clic droit sur leur dossier → Compresser) et déposez-le, ou cliquez « Analyser les photos » pour analyser celles du dossier.",
  noPhotoFolder:
    "Aucune photo (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC) dans ce dossier, seulement {list} : rien n'a été analysé.",
  noPhotoZip:
    "Aucune photo (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC) dans ce ZIP, seulement {list} : rien n'a été analysé.",
  noPhotoEmptyFolder: "Ce dossier est vide : aucune photo à analyser.",
  noPhotoEmptyZip: "Ce ZIP est vide : aucune photo à analyser.",
  nk_encrypted_one: "{n} entrée protégée par mot de passe",
  nk_encrypted_other: "{n} entrées protégées par mot de passe",
  nk_compression_one: "{n} entrée compressée d'une façon que vbulk ne sait pas lire",
  nk_compression_other: "{n} entrées compressées d'une façon que vbulk ne sait pas lire",
  "nk_unsafe-name_one": "{n} entrée au nom dangereux",
  "nk_unsafe-name_other": "{n} entrées aux noms dangereux",
  "nk_too-large_one": "{n} fichier trop grand",
  "nk_too-large_other": "{n} fichiers trop grands",
  "nk_macos-metadata_one": "{n} fichier de métadonnées de macOS (__MACOSX)",
  "nk_macos-metadata_other": "{n} fichiers de métadonnées de macOS (__MACOSX)",
  nk_unreadable_one: "{n} fichier illisible",
  nk_unreadable_other: "{n} fichiers illisibles",
  nk_symlink_one: "{n} lien symbolique",
  nk_symlink_other: "{n} liens symboliques",
  "nk_not-photo_one": "{n} fichier qui n'est pas une photo",
  "nk_not-photo_other": "{n} fichiers qui ne sont pas des photos",
  nkHint_encrypted:
    "vbulk ne peut pas ouvrir un ZIP protégé par mot de passe : décompressez-le vous-même avec son mot de passe (double-clic), puis lancez `vbulk review` sur le dossier obtenu, dans un terminal.",
  nkHint_compression:
    "refaites le ZIP avec les réglages par défaut de votre gestionnaire de fichiers (clic droit → Compresser), puis déposez-le à nouveau sur cette page.",
  "nkHint_unsafe-name":
    "vbulk n'écrit jamais un nom qui sort du dossier (../, un chemin absolu) ou qui contient un caractère de contrôle, et un gestionnaire de fichiers ne fait pas un tel ZIP : vérifiez d'où il vient. Pour vos photos, refaites le ZIP depuis leur dossier (clic droit → Compresser), puis déposez-le à nouveau sur cette page.",
  "nkHint_too-large":
    "une photo fait au plus {max} : réduisez-les, ou relevez sources.maxFileBytes dans le fichier de configuration (VBULK_CONFIG), puis {retry}.",
  "nkHint_macos-metadata":
    "il ne contient que les métadonnées de macOS, pas les photos elles-mêmes : refaites le ZIP depuis le dossier des photos (clic droit → Compresser), puis déposez-le à nouveau sur cette page.",
  nkHint_unreadable: "copiez les photos à nouveau dans le dossier, puis {retry}.",
  nkHint_unreadable_zip: "téléchargez ou copiez le ZIP à nouveau, puis déposez-le à nouveau sur cette page.",
  nkHint_symlink:
    "vbulk ne suit jamais un lien symbolique : mettez les photos elles-mêmes à la place des liens, puis {retry}.",
  "nkHint_not-photo":
    "choisissez le dossier qui contient les photos elles-mêmes : relancez `vbulk review` sur lui dans un terminal, ou déposez ici un ZIP des photos.",
  "nkHint_not-photo_zip":
    "mettez les photos dans le ZIP (clic droit sur leur dossier → Compresser), puis déposez-le à nouveau sur cette page.",
  folderChanged:
    "Depuis la dernière analyse, {parts} : « Analyser à nouveau » les prend en compte (les articles déjà là gardent leur numéro et vos modifications).",
  folderAdded_one: "{n} photo ajoutée ({list})",
  folderAdded_other: "{n} photos ajoutées ({list})",
  folderGone_one: "{n} photo retirée ({list})",
  folderGone_other: "{n} photos retirées ({list})",
  analyseAgain: "Analyser à nouveau",
  rr_too_general:
    "« {c} » est trop général pour Vinted ({path}) : choisissez un type plus précis dans « Type » ({list}) ; si aucun ne convient, {byHand}",
  rr_too_general_none:
    "« {c} » est trop général pour Vinted ({path}), et la liste « Type » n'en propose pas de plus précis pour {d} : {byHand}",
  // The way out of a type too general that no type of the page settles: the leaf id by hand, in the mapping file
  // plan reads (vbulk vinted sync lists the leaves of the parent, but cannot choose one).
  rr_by_hand:
    "ouvrez {file} dans un éditeur de texte (s'il n'existe pas, copiez d'abord {default} à cet emplacement), donnez à {key} {cat} (dans un terminal, `vbulk vinted sync` les liste), enregistrez, puis cliquez « Générer le plan »",
  rr_by_hand_own:
    "ouvrez {file} (le fichier de correspondances que lit ce plan) dans un éditeur de texte, donnez à {key} {cat} (dans un terminal, `vbulk vinted sync` les liste), enregistrez, puis cliquez « Générer le plan »",
  rr_cat_specific: "l'id d'une catégorie plus précise de Vinted",
  rr_cat_own: "l'id de sa catégorie sur Vinted",
  rr_leaf_unknown_sync:
    "la catégorie Vinted de « {c} » ({d}) n'est pas encore connue : lancez `vbulk vinted sync` dans un terminal, puis « Générer le plan »",
  rr_leaf_unknown:
    "la catégorie Vinted de « {c} » ({d}) n'est pas encore connue : lancez `vbulk vinted sync` dans un terminal, puis « Générer le plan » ; si elle reste inconnue, {byHand}",
  rr_leaf_problem:
    "la catégorie Vinted {n} notée pour ce type est à revoir (supprimée, trop générale ou devenue une autre) : `vbulk vinted sync` dans un terminal dit quoi corriger",
  whatToDo: "Que faire :",
  planStale_one:
    "Le plan n'est plus à jour : l'article {ids} a changé depuis (décision de regroupement ou nouvelle analyse). « Générer le plan » le met à jour : un article qui garde plus de la moitié de ses photos, ou toutes celles qui restent, garde vos modifications d'annonce ; les autres repartent des règles, et un article fusionné dans un autre est retiré du plan (leurs modifications sont mises de côté et reviennent avec « Annuler la dernière décision »).",
  planStale_other:
    "Le plan n'est plus à jour : les articles {ids} ont changé depuis (décision de regroupement ou nouvelle analyse). « Générer le plan » le met à jour : un article qui garde plus de la moitié de ses photos, ou toutes celles qui restent, garde vos modifications d'annonce ; les autres repartent des règles, et un article fusionné dans un autre est retiré du plan (leurs modifications sont mises de côté et reviennent avec « Annuler la dernière décision »).",
  ch_reset:
    "modifications mises de côté (elles reviennent si l'article retrouve ses photos, par « Annuler la dernière décision ») : {list}",
  ch_dropped: "articles retirés (leurs modifications sont mises de côté de la même façon) : {list}",
  ch_carried: "modifications gardées : {list}",
  ch_restored: "modifications rendues (l'article a retrouvé ses photos) : {list}",
  ch_unpublished:
    "publication retirée, les photos n'étant plus celles de l'article que vous aviez marqué (vérifiez-les, puis cochez « Publier » à nouveau) : {list}",
  unpub_merged: "{id} (il a maintenant des photos de {list} : fusion)",
  unpub_split: "{id} (des photos marquées sont maintenant dans {list} : séparation)",
  unpub_other: "{id} (il a maintenant surtout d'autres photos)",
  ch_rules:
    "règles changées depuis le plan précédent, que vous n'aviez pas données (elles suivent le fichier de configuration de VBULK_CONFIG et les valeurs par défaut ; un --config donné dans un terminal n'est pas lu ici : redonnez-les par vbulk plan pour les garder) : {list}",
  lastRunFailed: "Dernière création de brouillons ({at}) : échec. {e}",
  nothingToSend: "Rien à envoyer ({at}) : aucun navigateur n'a été ouvert, rien n'a été envoyé. {parts}.",
  // Why a run or an article failed (src/review/refusals.ts RunFailure): a clause, said after « échec : » on an
  // article's row, as a sentence after « Dernière création de brouillons (…) : échec. » for the run.
  fail_SIZE:
    "Vinted ne propose pas la taille « {size} » pour ce type (il propose {offered}) : choisissez-en une dans « Taille », enregistrez, puis recommencez",
  fail_SIZE_none:
    "Vinted ne propose aucune taille pour ce type : videz « Taille », enregistrez, puis recommencez",
  fail_REJECTED: "Vinted a refusé l'annonce : corrigez-la, enregistrez, puis recommencez",
  fail_REJECTED_fields:
    "Vinted a refusé l'annonce ({f}) : corrigez ces champs, enregistrez, puis recommencez",
  fail_NO_BRAND:
    "pas publié : Vinted ne publie pas un article sans marque ; renseignez sa marque dans l'annonce",
  fail_PHOTO:
    "la photo {file} n'est pas dans le dossier du catalogue : vbulk n'envoie que les photos de ce dossier",
  fail_CHALLENGE: "Vinted a demandé une vérification de sécurité (captcha)",
  fail_RATE_LIMITED: "Vinted a demandé de ralentir (trop d'envois)",
  fail_NOT_LOGGED_IN: "vbulk n'a pas de session Vinted sur cet ordinateur : rien n'a été envoyé",
  fail_SESSION_EXPIRED: "Vinted n'accepte plus la session enregistrée",
  fail_FORBIDDEN: "Vinted a refusé l'envoi (un refus simple, pas une vérification de sécurité)",
  fail_NO_TOKEN: "la page de dépôt de Vinted ne contient pas son jeton de sécurité : rien n'a été envoyé",
  fail_TRANSIENT: "Vinted n'a pas répondu comme prévu (délai dépassé, ou erreur de son côté)",
  fail_VINTED_404:
    "Vinted ne trouve plus ce que vbulk voulait modifier (réponse 404 : un brouillon supprimé sur Vinted ?)",
  fail_NETWORK: "vbulk n'a pas pu joindre Vinted (connexion)",
  fail_BROWSER_LOST: "la fenêtre du navigateur s'est fermée ou a planté avant la fin",
  fail_NO_DISPLAY: "vbulk n'a pas pu ouvrir de fenêtre de navigateur : aucun écran n'est disponible",
  fail_NO_BROWSER: "vbulk n'a trouvé aucun navigateur Chrome ou Chromium qu'il puisse lancer",
  fail_FILE: "vbulk n'a pas pu lire ou écrire un de ses fichiers",
  fail_OTHER: "une erreur inattendue",
  // What to do when the run failed (said after « Que faire : »).
  failHint_NOT_LOGGED_IN:
    "dans un terminal, lancez « vbulk login » et connectez-vous à Vinted dans la fenêtre qui s'ouvre, puis cliquez à nouveau « Créer les brouillons ».",
  failHint_NO_TOKEN:
    "ouvrez Vinted dans votre navigateur : s'il demande de vous connecter, lancez « vbulk login » dans un terminal ; s'il montre le formulaire de dépôt, Vinted a changé sa page : lancez « vbulk doctor » dans un terminal et joignez son rapport à un rapport de bug. Puis cliquez à nouveau « Créer les brouillons ».",
  failHint_NETWORK:
    "vérifiez la connexion de cet ordinateur, puis cliquez à nouveau « Créer les brouillons » : l'envoi reprend où il s'est arrêté.",
  failHint_BROWSER_LOST:
    "cliquez à nouveau « Créer les brouillons » : l'envoi reprend où il s'est arrêté. Si cela se répète, vérifiez que le navigateur s'ouvre à la main et que l'ordinateur a de la mémoire libre.",
  failHint_NO_DISPLAY:
    "lancez « vbulk review » depuis un terminal de votre session de bureau (sur un serveur : sous « xvfb-run -a »), puis cliquez à nouveau « Créer les brouillons ».",
  failHint_NO_BROWSER:
    "installez Google Chrome ou Chromium (ou indiquez le navigateur dans VBULK_CHROMIUM_PATH), puis cliquez à nouveau « Créer les brouillons ».",
  failHint_FILE: "le détail technique ci-dessous dit quel fichier, et quoi faire.",
  failHint_OTHER:
    "cliquez à nouveau « Créer les brouillons » ; si cela se répète, joignez le détail technique ci-dessous à un rapport de bug.",
  rawDetail: "Détail technique (en anglais, pour un rapport de bug)",
  planStaleRefused_one:
    "Rien n'a été envoyé : le plan n'est plus à jour (l'article {ids} a changé depuis). Cliquez « Générer le plan » (ce qu'il fait de vos modifications est dit au-dessus du bouton), puis recommencez.",
  planStaleRefused_other:
    "Rien n'a été envoyé : le plan n'est plus à jour (les articles {ids} ont changé depuis). Cliquez « Générer le plan » (ce qu'il fait de vos modifications est dit au-dessus du bouton), puis recommencez.",
  idleDrafted_one: "{n} article déjà en brouillon comme le plan le dit",
  idleDrafted_other: "{n} articles déjà en brouillon comme le plan le dit",
  idlePublished_one: "{n} publié",
  idlePublished_other: "{n} publiés",
  idleManual_one: "{n} à finir à la main sur Vinted",
  idleManual_other: "{n} à finir à la main sur Vinted",
  idleNotReady_one:
    "{n} article pas prêt : complétez ce qui est indiqué ci-dessous, enregistrez, puis recommencez",
  idleNotReady_other:
    "{n} articles pas prêts : complétez ce qui est indiqué ci-dessous, enregistrez, puis recommencez",
  f_title: "Titre",
  f_description: "Description",
  f_price: "Prix (€)",
  f_size: "Taille",
  f_brand: "Marque",
  brandNone: "sans marque (laissez vide)",
  f_condition: "État",
  f_category: "Type",
  f_color: "Couleur",
  f_gender: "Rayon",
  dept_femme: "Femmes",
  dept_homme: "Hommes",
  col_noir: "noir",
  col_blanc: "blanc",
  col_gris: "gris",
  col_bleu: "bleu",
  col_rouge: "rouge",
  col_vert: "vert",
  col_jaune: "jaune",
  col_beige: "beige",
  col_marron: "marron",
  col_rose: "rose",
  col_violet: "violet",
  col_orange: "orange",
  f_publish: "Publier",
  f_excluded: "Exclure",
  none: "—",
  err_price:
    "Un prix est un nombre positif de 0,01 à 100 000 €, d'au plus deux décimales, par exemple 12 ou 12,50 (vous avez tapé « {v} »).",
  err_title: "Le titre compte de 1 à 100 caractères (celui-ci en compte {n}).",
  err_description: "La description compte de 1 à 2000 caractères.",
  err_size: "La taille compte de 1 à 20 caractères (vide : pas de taille).",
  err_brand: "La marque compte de 1 à 100 caractères.",
  err_line: "« {f} » tient sur une ligne : retirez le retour à la ligne.",
  err_control:
    "« {f} » contient un caractère invisible ou de contrôle non accepté ({c}, souvent venu d'un copier-coller) : retirez-le.",
  err_blank: "« {f} » ne peut pas être fait que d'espaces.",
  err_choice: "{f} : choisissez une valeur de la liste.",
  notReady:
    "« Publier » ne peut pas être coché pour {id} : Vinted ne prendrait pas cet article tel quel. {todo}",
  notReadyFields: "Complétez d'abord {f}, enregistrez, puis cochez « Publier ».",
  notReadyExcluded: "Décochez d'abord « Exclure ».",
  notReadyOther: "À régler aussi : {r}.",
  notReadyOtherFirst: "À régler d'abord : {r}.",
  goneArticle:
    "L'article {id} n'est plus dans le catalogue (une décision de regroupement l'a renuméroté ou fusionné). La page montre maintenant les articles tels qu'ils sont : retrouvez-le et saisissez à nouveau.",
  otherPhotosArticle:
    "Ce que vous avez tapé pour {id} l'a été pour d'autres photos ({typed}) : {id} est maintenant {now} (le catalogue a été refait entre-temps), un autre vêtement.",
  saveRefused: "Rien n'a été enregistré. La raison donnée par vbulk (en anglais) : {e}",
  tabChar: "tabulation",
  drafts: "Créer les brouillons",
  // The same button with « Publier pour de vrai » on: it publishes the articles listed, and drafts the others.
  runPublish_one: "Publier {n} article (et créer les brouillons)",
  runPublish_other: "Publier {n} articles (et créer les brouillons)",
  publishSwitch: "Publier pour de vrai (sinon : brouillons seulement)",
  publishList: "Ces articles seront PUBLIÉS, visibles par tous :",
  publishNone: "Aucun article n'est marqué « Publier » : seuls des brouillons seront créés.",
  publishNoneReady_one:
    "{n} article est marqué « Publier », mais Vinted ne le publierait pas : seuls des brouillons seront créés.",
  publishNoneReady_other:
    "{n} articles sont marqués « Publier », mais Vinted ne les publierait pas : seuls des brouillons seront créés.",
  publishNoneLeft: "Plus rien à publier : seuls des brouillons seront créés.",
  publishDone_one: "{ids} est déjà publié sur Vinted.",
  publishDone_other: "{ids} sont déjà publiés sur Vinted.",
  publishNoBrand_one:
    "{ids} sera créé en brouillon mais pas publié : sans marque, Vinted refuse de publier. Renseignez sa marque dans l'annonce pour le publier.",
  publishNoBrand_other:
    "{ids} seront créés en brouillons mais pas publiés : sans marque, Vinted refuse de publier. Renseignez leur marque dans l'annonce pour les publier.",
  publishExampleText_one:
    "La description de {ids} contient encore le texte d'exemple du modèle intégré ({texts}) : les acheteurs le liront comme le vôtre. Modifiez-la avant de publier.",
  publishExampleText_other:
    "Les descriptions de {ids} contiennent encore le texte d'exemple du modèle intégré ({texts}) : les acheteurs le liront comme le vôtre. Modifiez-les avant de publier.",
  // The confirmation box's label and name: « Confirmation », as the refusals call it, and the phrase to type.
  typeToConfirm: "Confirmation (pour publier, tapez : {p})",
  confirmPhrase_one:
    "Rien n'a été envoyé : pour publier l'article listé, tapez « {p} » dans « Confirmation », ou décochez « Publier pour de vrai » pour ne créer que des brouillons.",
  confirmPhrase_other:
    "Rien n'a été envoyé : pour publier les {n} articles listés, tapez « {p} » dans « Confirmation », ou décochez « Publier pour de vrai » pour ne créer que des brouillons.",
  confirmChangedNone:
    "Rien n'a été envoyé : des articles sont maintenant marqués « Publier » dans plan.json (un « vbulk plan » dans un terminal, un autre onglet). Relisez la liste ci-dessous, à jour, puis tapez la confirmation qu'elle demande.",
  confirmChanged_one:
    "Rien n'a été envoyé : l'article listé a changé dans plan.json depuis que la page l'a montré (un « vbulk plan » dans un terminal, un autre onglet), ou d'autres sont marqués « Publier ». Relisez la liste ci-dessous, à jour, puis tapez la confirmation qu'elle demande.",
  confirmChanged_other:
    "Rien n'a été envoyé : les {n} articles listés ont changé dans plan.json depuis que la page les a montrés (un « vbulk plan » dans un terminal, un autre onglet), ou d'autres sont marqués « Publier ». Relisez la liste ci-dessous, à jour, puis tapez la confirmation qu'elle demande.",
  // The status line: what runs (or ran, by how it ended, with when), then its counts (statusCounts).
  status_running: "En cours : {c} (étape : {stage})",
  status_done: "Terminé ({at}) : {c}",
  status_partial: "Terminé en partie ({at}) : {c}",
  status_failed: "Échec ({at}) : {c}",
  status_interrupted: "Interrompu ({at}) : {c}",
  draftOk: "brouillon {d}",
  published: "publié {u}",
  failed: "échec : {e}",
  skipped: "pas envoyé (pas prêt) : {e}",
  pausedChallenge:
    "Rien n'a été envoyé : les envois vers Vinted sont en pause après une vérification de sécurité (captcha) jusqu'au {at}.",
  pausedChallengeHint:
    "faites d'abord dans votre navigateur ce que Vinted demande (ouvrez Vinted, répondez à la vérification), puis attendez la fin de la pause et cliquez à nouveau « Créer les brouillons ».",
  pausedRateLimit:
    "Rien n'a été envoyé : les envois vers Vinted sont en pause pour suivre le rythme que Vinted demande (trop d'envois) jusqu'au {at}.",
  pausedRateLimitHint:
    "rien à faire sur Vinted : attendez la fin de la pause, puis cliquez à nouveau « Créer les brouillons ».",
  manual: "à finir à la main sur Vinted",
  log_photo: "{id} : photo envoyée",
  log_draft: "{id} : brouillon créé",
  log_update: "{id} : brouillon mis à jour selon le plan",
  log_adopt: "{id} : brouillon retrouvé sur Vinted",
  log_publish: "{id} : publié",
  logFailed: "{id} : échec : {e}",
  logWait: "{id} : en attente ({why}) jusqu'à {at}",
  why_spacing: "l'intervalle entre deux envois",
  why_hourly_budget: "le plafond d'envois par heure",
  why_daily_budget: "le plafond d'envois par jour",
  why_publish_ceiling: "le plafond de publications par minute",
  why_pause: "la pause",
  notReached:
    "pas envoyé : l'envoi s'est arrêté avant cet article ; il partira au prochain « Créer les brouillons »",
  stoppedOther: "Envoi arrêté.",
  stoppedInterrupted: "Envoi interrompu (Ctrl-C) : ce qui a été envoyé est noté dans journal.json.",
  stoppedBrowserLost:
    "Envoi arrêté : la fenêtre du navigateur s'est fermée ou a été perdue ; ce qui a été envoyé est noté dans journal.json.",
  stoppedPaused: "Envoi arrêté : les envois vers Vinted sont en pause jusqu'au {at}.",
  stoppedSpent: "Envoi arrêté pour respecter {why} : le prochain envoi est possible le {at}.",
  stoppedSpentHint:
    "cliquez à nouveau « Créer les brouillons » après cette heure : l'envoi reprend où il s'est arrêté.",
  stoppedResumeHint: "cliquez à nouveau « Créer les brouillons » : l'envoi reprend où il s'est arrêté.",
  stoppedChallenge:
    "Envoi arrêté : Vinted a demandé une vérification de sécurité (captcha) pour {id}. Plus rien n'est envoyé jusqu'au {at}.",
  stoppedChallengeHint:
    "ouvrez Vinted dans votre navigateur et faites ce qu'il demande ; finissez {id} à la main sur Vinted, puis cochez « Exclure » dans son annonce ici et enregistrez, pour que vbulk le laisse de côté. Les articles pas envoyés partiront au prochain « Créer les brouillons », une fois la pause finie.",
  stoppedForbidden:
    "Envoi arrêté : Vinted a refusé l'envoi de {id} (un refus simple, pas une vérification de sécurité) : plus rien n'a été envoyé ensuite, et les envois ne sont pas en pause.",
  stoppedForbiddenHint:
    "ouvrez Vinted dans votre navigateur et vérifiez le compte, lancez « vbulk login » dans un terminal, puis cliquez à nouveau « Créer les brouillons » : l'envoi reprend où il s'est arrêté.",
  stoppedSession: "Envoi arrêté : Vinted n'accepte plus la session enregistrée (à {id}).",
  stoppedSessionHint:
    "dans un terminal, lancez « vbulk login » et connectez-vous à Vinted, puis cliquez à nouveau « Créer les brouillons » : l'envoi reprend où il s'est arrêté.",
  stoppedTransient:
    "Envoi arrêté : trois échecs de suite (le dernier à {id}) ; Vinted est peut-être indisponible.",
  stoppedTransientHint:
    "réessayez plus tard (« Créer les brouillons ») : l'envoi reprend où il s'est arrêté.",
  stoppedRateLimit:
    "Envoi arrêté : Vinted a demandé de ralentir (trop d'envois) à {id}. Plus rien n'est envoyé jusqu'au {at}.",
  stoppedRateLimitHint:
    "attendez la fin de la pause, puis cliquez à nouveau « Créer les brouillons » : l'envoi reprend où il s'est arrêté.",
  // An analysis found photos the seller's grouping decisions name deleted or replaced (src/ingest/decisions.ts).
  decidedGone_one:
    "1 photo nommée par vos décisions de regroupement n'est plus dans le dossier (supprimée, ou remplacée par une copie retouchée, qu'une décision ne suit pas) : {list}.",
  decidedGone_other:
    "{n} photos nommées par vos décisions de regroupement ne sont plus dans le dossier (supprimées, ou remplacées par une copie retouchée, qu'une décision ne suit pas) : {list}.",
  decidedWasIn: "{f} (était dans {id})",
  decidedTakenOut: "{f} (retirée de l'annonce)",
  decidedAdded_one: "Nouvelle depuis la dernière analyse : {list}.",
  decidedAdded_other: "Nouvelles depuis la dernière analyse : {list}.",
  decidedNowIn: "{f} (maintenant dans {id})",
  decidedMore: "{n} autres",
  decidedCheck:
    "Vérifiez le regroupement de {ids} sur cette page : refaites le déplacement ou le « Nouvel article » sur la copie.",
  decidedCheckAll:
    "Vérifiez le regroupement sur cette page : refaites le déplacement ou le « Nouvel article » sur la copie.",
  dropHere: "Déposez ici pour déplacer la photo",
  // What Tab does on the page: each photo, then its box (a Tab stop of its own), then the article's list and buttons.
  keyboardHelp:
    "Clavier : Tab passe par chaque photo puis sa case, puis la fusion et l'annonce de l'article ; Espace sur une photo ou sa case la sélectionne ; Entrée sur une photo l'agrandit, Échap la referme ; Maj+Tab remonte jusqu'à la barre de la sélection (Déplacer, Nouvel article, Retirer de l'annonce).",
  // What the status region says of a run, in a few words (the run's block under the button says the rest).
  runStarted: "Création des brouillons lancée : sa progression s'affiche sous le bouton.",
  runIdle: "Rien à envoyer : le détail s'affiche sous le bouton.",
  runFailed: "La création des brouillons a échoué : {e}",
  runStopped: "La création des brouillons s'est arrêtée : {e}",
  runEnded: "Création des brouillons terminée.",
  runStage: "Création des brouillons en cours : {stage}.",
  analysingStage: "Analyse en cours : {stage}.",
  analyseStarted: "Analyse lancée : sa progression s'affiche ci-dessous.",
  analysed: "Analyse terminée : {a}, {p}.",
  analyseFailed: "L'analyse s'est arrêtée : {e}",
  // What the status region says of a grouping decision: the article acted on, and where its card is.
  place: "article {i} sur {n}",
  splitDone: "Nouvel article {id} créé ({place}).",
  moveDone_one: "{n} photo déplacée vers {id} ({place}).",
  moveDone_other: "{n} photos déplacées vers {id} ({place}).",
  dropDone_one:
    "{n} photo retirée de {ids} : elle est sous « Photos retirées de l'annonce », en bas de la page.",
  dropDone_other:
    "{n} photos retirées de {ids} : elles sont sous « Photos retirées de l'annonce », en bas de la page.",
} as const;

export type Key = keyof typeof FR;

const EN: Record<Key, string> = {
  title: "Article review",
  lang: "Français",
  loading: "Loading…",
  noCatalog: "No catalog in this folder yet.",
  analyse: "Analyse the photos of {s}",
  analysing: "Analysing: {stage} {done}/{total}",
  dropZip: "…or drop a ZIP of photos here (or click to choose one)",
  sumArticles_one: "{n} article",
  sumArticles_other: "{n} articles",
  sumPhotos_one: "{n} photo",
  sumPhotos_other: "{n} photos",
  sumDuplicates_one: "{n} duplicate set aside",
  sumDuplicates_other: "{n} duplicates set aside",
  sumErrors_one: "{n} unreadable",
  sumErrors_other: "{n} unreadable",
  overview: "Overview",
  doubtfulFirst: "Doubtful first",
  undo: "Undo the last decision ({n})",
  undone: "Decision undone.",
  saved: "Saved.",
  article: "Article",
  photos_one: "{n} photo",
  photos_other: "{n} photos",
  unknownType: "type not recognised (choose one)",
  score: "score {s}",
  low: "check this",
  bySeller: "your decisions",
  cohesion: "cohesion {c}",
  runnerUp: "else {c} ({s})",
  modelColor: "the model sees {c} ({s})",
  select: "Select {f}",
  open: "Open {f} large",
  openSelected: "Open {f} large (photo selected)",
  close: "Close",
  fileFromZip: "{f} (in the ZIP: {z})",
  selection_one: "{n} photo selected",
  selection_other: "{n} photos selected",
  moveTo: "Move to",
  move: "Move",
  newArticle: "New article",
  drop: "Take out of the listing",
  clear: "Clear selection",
  mergeWith: "Merge with",
  merge: "Merge",
  restore: "Keep this photo",
  duplicates: "Duplicates set aside",
  duplicateOf: "copy of {f}",
  dropped: "Photos taken out of the listing",
  errors: "Unreadable files",
  listingSummary: "Listing: {t} · {p} €",
  badgeExcluded: "excluded",
  badgePublish: "to publish",
  noPlan: "No plan yet: “Generate the plan” to edit the listings.",
  generatePlan: "Generate the plan",
  planDone_one: "Plan written to plan.json: {n} of {total} article ready for Vinted.",
  planDone_other: "Plan written to plan.json: {n} of {total} articles ready for Vinted.",
  planNotReady_one: "{n} article is marked “to complete”: open its listing to see what is missing.",
  planNotReady_other: "{n} articles are marked “to complete”: open their listing to see what is missing.",
  badgeNotReady: "to complete",
  save: "Save the listing",
  discard: "Discard the changes",
  discarded: "Unsaved changes of {id} discarded.",
  unsavedFirst_one:
    "Nothing changed: the listing {list} has unsaved changes. Save them (“Save the listing”) or discard them (“Discard the changes”), then try again: a grouping decision may give this article's id to other photos, and what you typed would be lost.",
  unsavedFirst_other:
    "Nothing changed: the listings {list} have unsaved changes. Save them (“Save the listing”) or discard them (“Discard the changes”), then try again: a grouping decision may give these articles' ids to other photos, and what you typed would be lost.",
  leftTitle: "Unsaved changes of articles no longer there",
  leftGone:
    "{id} ({files}) is no longer in the catalog (merged in another tab, or grouped again by a new analysis): what you typed there was not saved. Copy it into that garment's listing:",
  leftOther:
    "{id} now names other photos ({now}) than those you typed for ({files}): the catalog was made again, and nothing was saved. Copy it into that garment's listing:",
  leftTyped: "What you typed for {id}",
  leftForget: "Forget",
  leftSaid_one:
    "Article {list} is no longer the one you typed for: what you typed, not saved, is kept above, to copy.",
  leftSaid_other:
    "Articles {list} are no longer those you typed for: what you typed, not saved, is kept above, to copy.",
  analyseUnsaved_one:
    "The listing {list} has unsaved changes. A new analysis may change its article: what you typed would then be kept apart, to copy, not saved. Analyse anyway?",
  analyseUnsaved_other:
    "The listings {list} have unsaved changes. A new analysis may change their articles: what you typed would then be kept apart, to copy, not saved. Analyse anyway?",
  nothingSaved: "Nothing was saved.",
  conflict_one:
    "Nothing was saved: {list} changed in plan.json while you were typing (a “vbulk plan --set” in a terminal, or another tab). The page now shows plan.json; what you typed is still in the fields: save again to replace it.",
  conflict_other:
    "Nothing was saved: {list} changed in plan.json while you were typing (a “vbulk plan --set” in a terminal, or another tab). The page now shows plan.json; what you typed is still in the fields: save again to replace them.",
  conflictItem: "{id}'s {f} (now {now})",
  the_title: "title",
  the_description: "description",
  the_price: "price",
  the_size: "size",
  the_brand: "brand",
  the_condition: "condition",
  the_category: "type",
  the_color: "colour",
  the_gender: "department",
  the_publish: "“Publish” box",
  the_excluded: "“Exclude” box",
  serverGone:
    "The page can no longer reach vbulk review (the server stopped or was restarted): nothing was saved. What you typed stays on screen while this tab stays open: copy it, run “vbulk review” again in the terminal and open the link it prints.",
  needsReview: "To complete: {r}",
  rr_category: "type not recognised: choose it in “Type” (no CLIP model analysed the photos)",
  rr_department: "department unknown: choose it in “Department”",
  rr_size: "size missing: Vinted requires one for this type",
  rr_too_many_photos:
    "{n} photos: likely several garments grouped together (Vinted takes 20 photos per listing at most): select the photos of another garment, then “New article”",
  rr_not_on_vinted_homme:
    "Vinted has no men's category for “{c}”: choose women in “Department”, or another “Type”",
  rr_not_on_vinted_femme:
    "Vinted has no women's category for “{c}”: choose men in “Department”, or another “Type”",
  placedKept_one: "{n} earlier article kept as it was",
  placedKept_other: "{n} earlier articles kept as they were",
  placedAdded_one: "{n} photo added (in an earlier article: {joined}; as a new article: {others})",
  placedAdded_other: "{n} photos added (in an earlier article: {joined}; as a new article: {others})",
  placedRemoved_one: "{n} photo taken out",
  placedRemoved_other: "{n} photos taken out",
  placedSwapped_one: "{n} photo replaced by a new one in its article",
  placedSwapped_other: "{n} photos replaced by a new one in their articles",
  placedReplaced_one: "{n} photo replaced by a larger copy of itself (kept in its article)",
  placedReplaced_other: "{n} photos replaced by a larger copy of themselves (kept in their articles)",
  placed: "New analysis: {parts}. Check the new articles on this page.",
  placedNoneNew: "New analysis: {parts}. Check the articles concerned on this page.",
  cpuFallback:
    "The GPU (CUDA, asked for by VBULK_DEVICE=cuda) is not available: the analysis runs on the CPU, more slowly ({reason}). See the README's Install section (GPU users) to install CUDA for onnxruntime-node.",
  noModel:
    "No CLIP model: the photos are grouped by colour and texture, and each article's type is yours to choose in “Type”. In a terminal, `vbulk models pull` downloads the model.",
  resaved_one:
    "{n} photo saved again since the last analysis (the same, edited or re-encoded): its article, your decisions and your edits follow it.",
  resaved_other:
    "{n} photos saved again since the last analysis (the same, edited or re-encoded): their articles, your decisions and your edits follow them.",
  photoEmpty:
    "empty file (0 bytes): copy the photo again from the phone or camera, or take it out of the folder",
  photoTooLarge:
    "image too large to analyse (over {max} megapixels): shrink it first, or raise decode.maxPixels in the config file",
  photoDamaged:
    "unreadable: the file is damaged or is not a photo; copy it again from the phone or camera, or take it out of the folder",
  photoTooSmall:
    "image too small to show a garment ({w} × {h} pixels, at least {min} needed on its shortest side): use the full-size photo, or take it out of the folder",
  photoTooLong:
    "image too long and narrow to show a garment ({w} × {h} pixels, {ratio} times as long as wide, at most {max}): use the photo itself, or take it out of the folder",
  photoDenied:
    "vbulk may not read this file: allow reading it (in its properties) or copy it into the folder again, then analyse the folder again (`vbulk ingest` in a terminal)",
  photoDiskError:
    "the disk could not read this file (a read error): the disk, memory card or network folder may be damaged or unplugged; plug it in again or copy the photo to another disk, then analyse the folder again (`vbulk ingest` in a terminal)",
  photoGone:
    "the file disappeared during the analysis (moved, renamed or deleted): to keep it, put it back in the folder, then analyse the folder again (`vbulk ingest` in a terminal)",
  unverifiedModel:
    "The CLIP model in {dir} has no vbulk-model.json: it is loaded without its files being checked. In a terminal, run `vbulk models manifest` on that folder once to record their sizes and sha256.",
  unverifiedModelReadOnly:
    "The CLIP model in {dir} has no vbulk-model.json: it is loaded without its files being checked. You cannot write in that folder: copy it to a folder of yours, run `vbulk models manifest` on the copy in a terminal and point VBULK_MODEL_DIR at it, or ask the folder's owner to run it.",
  earlierRun:
    "{zip} holds the files of an earlier vbulk analysis ({list}), not used: its edits (listings, grouping decisions, article numbers) are not on this page. To keep them, unzip it, then in a terminal run `vbulk ingest` then `vbulk review` on the folder it gives.",
  untimedSource_one:
    "1 of {total} photos has no capture time and is named {where} every photo that has one ({files}): it comes from another source (sent by a messaging app, for instance). It keeps its name's order, {where} the others, which are in capture order.",
  untimedSource_other:
    "{n} of {total} photos have no capture time and are named {where} every photo that has one ({files}): they come from another source (sent by a messaging app, for instance). They keep their names' order, {where} the others, which are in capture order.",
  screenshots_one:
    "1 photo looks like a phone's screenshot (a PNG at a phone screen's proportions, no capture time: {files}): it is put after the others so as not to split a garment; take it out of the listing if it shows no garment.",
  screenshots_other:
    "{n} photos look like a phone's screenshots (PNGs at a phone screen's proportions, no capture time: {files}): they are put after the others so as not to split a garment; take them out of the listings if they show no garment.",
  sideways_one:
    "1 of {total} photos is landscape in a batch shot in portrait ({files}): if it shows a garment on its side (an app that dropped its orientation), turn it in a photo app before publishing: Vinted would show it as it is.",
  sideways_other:
    "{n} of {total} photos are landscape in a batch shot in portrait ({files}): if one shows a garment on its side (an app that dropped its orientation), turn it in a photo app before publishing: Vinted would show it as it is.",
  regrouped:
    "The earlier articles were not kept: {why}, so every photo was grouped again. An article that changes starts again from the plan's rules (its edits set aside, and given back when it is that garment again): check the articles.",
  regroupedSettings: "the grouping settings changed since the last analysis ({list})",
  regroupedSettingsAny: "the grouping settings changed since the last analysis",
  regroupedModel: "the model changed ({was} → {now})",
  regroupedAnd: " and ",
  handEdited:
    "catalog.json was edited by hand since vbulk wrote it: your version is kept as {kept}, and catalog.json is written anew from the photos. Change an article's type or colour on this page (later analyses keep it); regroup photos here too.",
  handEditedDecided:
    "catalog.json had been edited by hand since vbulk wrote it: your version is kept as {kept}, and catalog.json is written anew with your decision. Change an article's type or colour in its listing on this page (later analyses keep it).",
  untimedWhere_before: "before",
  untimedWhere_after: "after",
  untimedWhere_both: "before and after",
  untimedAmong_one:
    "1 of {total} photos has no capture time ({files}): the others are in capture order, and it follows the photo named before it.",
  untimedAmong_other:
    "{n} of {total} photos have no capture time ({files}): the others are in capture order, and each follows the photo named before it.",
  orderUnclear:
    "The order of these {n} photos does not show one garment after another (shuffled names, no capture times, or too few photos to tell): they are grouped by their appearance only. Check the articles marked “check this” first and correct the grouping on this page. If the photos are in shooting order (all of one garment, then the next), run `vbulk ingest --grouping sequence` on the folder in a terminal instead.",
  orderUnclearAlone:
    "The order of these {n} photos does not show one garment after another (shuffled names, no capture times, or too few photos to tell): they are grouped by their appearance only, and none looked enough like another to join it: every photo is an article of its own. Put the photos of one garment together on this page (“Merge”, or by dragging them). If the photos are in shooting order (all of one garment, then the next), run `vbulk ingest --grouping sequence` on the folder in a terminal instead.",
  noneRead_one: "The photo could not be read: {what}.",
  noneRead_other: "None of the {n} photos could be read: {what}.",
  noneReadKept: "the catalog of the previous analysis is kept as it was",
  noneReadNothing: "no catalog was written",
  noneReadHint:
    "fix what the messages below say (a disk, a permission, a damaged copy), then click “Analyse the photos” again.",
  noneReadKeptHint:
    "fix what the messages below say (a disk, a permission, a damaged copy), then analyse the folder again (`vbulk ingest` in a terminal).",
  retry_first: "click “Analyse the photos” again",
  retry_again: "click “Analyse again” once more",
  retry_upload: "drop the ZIP on this page again",
  retry_load: "wait a few seconds: the page reloads by itself",
  retry_other: "try again",
  stopBusy:
    "Another analysis of this folder is running (the one of {source}, process {pid}, since {at}): this one did not start, nothing was written.",
  stopBusyHint:
    "wait for the other analysis to end (a `vbulk ingest` in a terminal, or the page of another `vbulk review`), whose progress this page shows: its articles show here when it ends.",
  stopBusyDecision:
    "The page has been saving a grouping decision on this folder since {at} (process {pid}): the analysis did not start, nothing was written.",
  stopBusyDecisionHint: "wait until the page shows the decision, then {retry}.",
  stopRunning:
    "An analysis of this folder is already running on this page (asked from another tab, or a ZIP dropped while it ran): this one did not start, nothing was written.",
  stopRunningHint: "wait for the running analysis to end (this page shows its progress), then {retry}.",
  stopRunningDrafts:
    "Drafts are already being sent from this page (perhaps from another tab): nothing else was sent.",
  stopRunningDraftsHint: "wait for that run to end: this page shows its progress.",
  stopStopping: "vbulk review is stopping: nothing was started.",
  stopStoppingHint: "start `vbulk review` again in a terminal, then reload this page.",
  stopJournalSite:
    "This folder's record of what was sent (journal.json) holds drafts of {recorded}, not of {site}: their ids are the other site's. Nothing was sent.",
  stopJournalSiteHint:
    "to go on with {recorded}, start `vbulk review` again in a terminal with VBULK_VINTED_URL={recorded}; to start afresh on {site}, move journal.json out of the folder (the drafts already made stay on {recorded}).",
  stopTooMany:
    "The folder holds {found} photos, more than the limit of {limit} per analysis: nothing was analysed.",
  stopTooManyZip:
    "The ZIP holds {found} photos, more than the limit of {limit} per analysis: nothing was extracted.",
  stopTooManyHint:
    "spread the photos over several folders, one `vbulk review` per folder; or, if they are indeed the photos of one sale, raise the limit: {raise}.",
  stopTooManyZipHint:
    "spread the photos over several ZIPs of at most {limit} photos, each analysed in a folder of its own; or, if they are indeed the photos of one sale, raise the limit: {raise}.",
  raiseInConfig: "set sources.maxFiles to at least {found} in the config file {file}, then {retry}",
  raiseNoConfig:
    'write {"sources": {"maxFiles": {found}}} in a config file, then run `vbulk review` again in a terminal with VBULK_CONFIG=that file',
  raiseInEnv:
    "run `vbulk review` again in a terminal with BULK_MAX_FILES={found} at least (the limit comes from that variable)",
  stopDamaged: "vbulk cannot read {file} in this folder: {what}. Nothing was written.",
  damaged_syntax: "it is no longer valid JSON (line {line}, column {column})",
  damaged_empty: "the file is empty",
  "damaged_not-json": "it is not valid JSON",
  damaged_field: "the field {field} is not what vbulk expects",
  "damaged_unknown-field": "the field {field} is not one vbulk knows",
  damagedNear: "(did you mean {near}?)",
  "damaged_same-id": "two articles in it have the number {id}",
  "damaged_same-photo": "the photo {photo} is in two articles in it",
  damaged_newer: "it was written by a newer vbulk",
  damaged_foreign: "it is not a file written by vbulk",
  damagedCatalogHint:
    "it holds the article numbers your plan and Vinted drafts refer to: fix it where said (a hand edit?), or move it away (rename it) to start again with new article numbers; then {retry}.",
  damagedDecisionsHint:
    "it holds your grouping decisions: fix it where said (a hand edit?), or move it away (rename it) to start from the automatic grouping again, without your decisions; then {retry}.",
  damagedNewerHint:
    "update vbulk (to the version that wrote this file), then run `vbulk review` again in a terminal.",
  stopModel:
    "This folder was analysed with the CLIP model {model}, which is not available now ({why}): the analysis did not start, nothing was written. Without it, every photo would be grouped again, and every article's type and department become unknown.",
  modelWhy_offline: "vbulk is offline, VBULK_OFFLINE, and the model cannot be used from its cache",
  modelWhy_network: "it is not in vbulk's cache and could not be downloaded",
  "modelWhy_cache-folder":
    "it is not in vbulk's cache, and the cache folder cannot be written to download it there",
  modelHint_offline:
    "in a terminal, run `VBULK_OFFLINE= vbulk models pull` once online, then {retry}; or run `vbulk review` again with VBULK_MODEL_DIR on the folder of the model the earlier analysis used.",
  modelHint_network:
    "check this computer's connection, then {retry}; or run `vbulk review` again in a terminal with VBULK_MODEL_DIR on the folder of the model the earlier analysis used.",
  "modelHint_cache-folder":
    "run `vbulk review` again in a terminal with VBULK_CACHE_DIR on a folder you can write in, or with VBULK_MODEL_DIR on the folder of the model the earlier analysis used.",
  modelNoModel:
    "To group everything again without a model, on purpose: `vbulk ingest --no-model` on this folder, in a terminal.",
  stopDiskFull: "The disk is full: vbulk could not write to {path}.",
  stopDiskFullHint: "free some space on that disk (empty the bin, delete or move large files), then {retry}.",
  stopDenied: "vbulk may not write to {path}.",
  stopDeniedHint:
    "allow your account to write in that folder (in its properties), then {retry}; or copy the photos to a folder of yours and run `vbulk review` on the copy, in a terminal.",
  stopReadOnly:
    "The disk of {path} is read-only (a locked memory card, a network drive or a disk image, for instance): vbulk cannot write anything there.",
  stopReadOnlyHint:
    "copy the photos to a folder on a disk you can write to, then run `vbulk review` on the copy, in a terminal.",
  stopTooLong: "The path {path} is too long for this system: vbulk cannot write there.",
  stopTooLongHint:
    "move the photos to a folder with a shorter path (fewer nested folders, shorter names), then run `vbulk review` on that folder, in a terminal.",
  stopFileInWay: "A file is where vbulk has to make a folder: {path}.",
  stopFolderInWay: "A folder is where vbulk has to write a file: {path}.",
  stopInWayHint: "rename it or move it elsewhere, then {retry}.",
  stopLinkInWay:
    "A symbolic link is where vbulk has to make a folder: {path}. vbulk does not follow links (it could write anywhere).",
  stopLinkInWayHint: "remove that link, then {retry}.",
  stopReadDenied: "vbulk may not read {path}.",
  stopReadDeniedHint: "allow your account to read it (in its properties), then {retry}.",
  stopZipCut:
    "This file is not a whole ZIP: it was cut short (a download or a copy that did not finish), or it is no ZIP at all. Nothing was extracted.",
  stopZipCutHint:
    "download or copy the ZIP again (compare its size with the original's), or make it again from the photos' folder (right-click → Compress), then drop it on this page again.",
  stopZipDamaged: "This ZIP is damaged: vbulk cannot read it. Nothing was extracted.",
  notZip_empty: "This file is empty (0 bytes): it is no ZIP. Nothing was extracted.",
  notZip_photo: "This file is no ZIP: it is a photo, named .zip. Nothing was extracted.",
  notZipHint_photo:
    "make a ZIP of the photos' folder (right-click → Compress) and drop it on this page, or run `vbulk review` on the photos' folder, in a terminal.",
  notZip_archive:
    "This file is no ZIP: it is an archive of another format (RAR, 7-Zip or gzip), which vbulk does not open. Nothing was extracted.",
  notZipHint_archive:
    "extract it (7-Zip, The Unarchiver or your file manager), then make a ZIP of the folder it gives (right-click → Compress) and drop it on this page.",
  notZip_page:
    "This file is no ZIP: it is a web page saved under a .zip name (a download link that answered with a page, such as a sign-in page). Nothing was extracted.",
  notZipHint_page: "download the ZIP again from where it is, then drop it on this page.",
  notZip_other: "This file is no ZIP. Nothing was extracted.",
  notZipHint_other:
    "drop the ZIP of your photos (right-click on their folder → Compress), or run `vbulk review` on the photos' folder, in a terminal.",
  stopZipDamagedHint:
    "make the ZIP again from the photos' folder (right-click → Compress), then drop it on this page again; or run `vbulk review` on the photos' folder itself, in a terminal.",
  zipEntries:
    "This ZIP holds {found} entries, far more than a ZIP of photos (at most {max}): nothing was extracted.",
  zipEntriesHint:
    "check the file: it is not a ZIP of photos. If it does hold photos, unzip it yourself and run `vbulk review` on the folder it gives, in a terminal.",
  zipRatio:
    "In this ZIP, {entry} unpacks to a file {ratio} times larger, which photos do not do (at most {max} times): it looks like a “zip bomb”. Nothing was extracted.",
  zipRatioHint:
    "check where this ZIP comes from; for your photos, make the ZIP again from their folder (right-click → Compress), then drop it on this page again.",
  zipTotal: "Unpacked, this ZIP would be over {max}: nothing was extracted.",
  zipTotalHint:
    "split it into smaller ZIPs, each analysed in a folder of its own, or raise sources.maxTotalBytes in the config file (VBULK_CONFIG).",
  zipUpload: "This ZIP is over {max}, the size the page can receive: it was not sent.",
  zipUploadHint:
    "split it into smaller ZIPs, or unzip it and run `vbulk review` on the folder it gives, in a terminal.",
  stopNotZip: "“{name}” is not a ZIP: the page receives only .zip files of photos.",
  stopNotZipHint:
    "make a ZIP of the photos (right-click their folder → Compress) and drop it, or click “Analyse the photos” to analyse those of the folder.",
  noPhotoFolder:
    "No photo (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC) in this folder, only {list}: nothing was analysed.",
  noPhotoZip:
    "No photo (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC) in this ZIP, only {list}: nothing was analysed.",
  noPhotoEmptyFolder: "This folder is empty: no photo to analyse.",
  noPhotoEmptyZip: "This ZIP is empty: no photo to analyse.",
  nk_encrypted_one: "{n} password-protected entry",
  nk_encrypted_other: "{n} password-protected entries",
  nk_compression_one: "{n} entry compressed in a way vbulk cannot read",
  nk_compression_other: "{n} entries compressed in a way vbulk cannot read",
  "nk_unsafe-name_one": "{n} entry with an unsafe name",
  "nk_unsafe-name_other": "{n} entries with unsafe names",
  "nk_too-large_one": "{n} file too large",
  "nk_too-large_other": "{n} files too large",
  "nk_macos-metadata_one": "{n} macOS metadata file (__MACOSX)",
  "nk_macos-metadata_other": "{n} macOS metadata files (__MACOSX)",
  nk_unreadable_one: "{n} unreadable file",
  nk_unreadable_other: "{n} unreadable files",
  nk_symlink_one: "{n} symbolic link",
  nk_symlink_other: "{n} symbolic links",
  "nk_not-photo_one": "{n} file that is not a photo",
  "nk_not-photo_other": "{n} files that are not photos",
  nkHint_encrypted:
    "vbulk cannot open a password-protected ZIP: unzip it yourself with its password (double-click it), then run `vbulk review` on the folder it gives, in a terminal.",
  nkHint_compression:
    "make the ZIP again with your file manager's default settings (right-click → Compress), then drop it on this page again.",
  "nkHint_unsafe-name":
    "vbulk never writes a name that leaves the folder (../, an absolute path) or holds a control character, and a file manager does not make such a ZIP: check where it comes from. For your photos, make the ZIP again from their folder (right-click → Compress), then drop it on this page again.",
  "nkHint_too-large":
    "a photo is at most {max}: shrink them, or raise sources.maxFileBytes in the config file (VBULK_CONFIG), then {retry}.",
  "nkHint_macos-metadata":
    "it holds only macOS's metadata, not the photos themselves: make the ZIP again from the photos' folder (right-click → Compress), then drop it on this page again.",
  nkHint_unreadable: "copy the photos into the folder again, then {retry}.",
  nkHint_unreadable_zip: "download or copy the ZIP again, then drop it on this page again.",
  nkHint_symlink:
    "vbulk never follows a symbolic link: put the photos themselves in place of the links, then {retry}.",
  "nkHint_not-photo":
    "choose the folder that holds the photos themselves: run `vbulk review` on it in a terminal, or drop a ZIP of the photos here.",
  "nkHint_not-photo_zip":
    "put the photos in the ZIP (right-click their folder → Compress), then drop it on this page again.",
  folderChanged:
    "Since the last analysis, {parts}: “Analyse again” takes them in (the articles already there keep their numbers and your edits).",
  folderAdded_one: "{n} photo added ({list})",
  folderAdded_other: "{n} photos added ({list})",
  folderGone_one: "{n} photo taken out ({list})",
  folderGone_other: "{n} photos taken out ({list})",
  analyseAgain: "Analyse again",
  rr_too_general:
    "“{c}” is too general for Vinted ({path}): choose a more specific one in “Type” ({list}); if none fits, {byHand}",
  rr_too_general_none:
    "“{c}” is too general for Vinted ({path}), and “Type” offers nothing more specific for {d}: {byHand}",
  rr_by_hand:
    "open {file} in a text editor (if it does not exist, first copy {default} there), set {key} to {cat} (in a terminal, `vbulk vinted sync` lists them), save, then click “Generate the plan”",
  rr_by_hand_own:
    "open {file} (the mapping file this plan reads) in a text editor, set {key} to {cat} (in a terminal, `vbulk vinted sync` lists them), save, then click “Generate the plan”",
  rr_cat_specific: "the id of a more specific Vinted category",
  rr_cat_own: "the id of its Vinted category",
  rr_leaf_unknown_sync:
    "the Vinted category of “{c}” ({d}) is not known yet: run `vbulk vinted sync` in a terminal, then “Generate the plan”",
  rr_leaf_unknown:
    "the Vinted category of “{c}” ({d}) is not known yet: run `vbulk vinted sync` in a terminal, then “Generate the plan”; if sync does not find it either, {byHand}",
  rr_leaf_problem:
    "the Vinted category {n} recorded for this type needs a look (removed, too general or now another one): `vbulk vinted sync` in a terminal says what to fix",
  whatToDo: "What to do:",
  planStale_one:
    "The plan is out of date: article {ids} changed since (a grouping decision or a new analysis). “Generate the plan” updates it: an article that keeps more than half of its photos, or all of those still there, keeps your listing edits; the others start from the rules again, and an article merged into another is taken out of the plan (their edits are set aside and come back with “Undo the last decision”).",
  planStale_other:
    "The plan is out of date: articles {ids} changed since (a grouping decision or a new analysis). “Generate the plan” updates it: an article that keeps more than half of its photos, or all of those still there, keeps your listing edits; the others start from the rules again, and an article merged into another is taken out of the plan (their edits are set aside and come back with “Undo the last decision”).",
  ch_reset:
    "edits set aside (they come back if the article gets its photos back, with “Undo the last decision”): {list}",
  ch_dropped: "articles taken out (their edits set aside the same way): {list}",
  ch_carried: "edits kept: {list}",
  ch_restored: "edits given back (the article has its photos again): {list}",
  ch_unpublished:
    "publish mark taken off, as the photos are no longer those of the article you marked (check them, then tick “Publish” again): {list}",
  unpub_merged: "{id} (it now holds photos of {list}: merged)",
  unpub_split: "{id} (photos it was marked with are now in {list}: split)",
  unpub_other: "{id} (it now holds mostly other photos)",
  ch_rules:
    "rules changed since the previous plan, which you had not given (they follow the config file of VBULK_CONFIG and the defaults; a --config given in a terminal is not read here: give them with vbulk plan to keep them): {list}",
  lastRunFailed: "Last draft run ({at}): failed. {e}",
  nothingToSend: "Nothing to send ({at}): no browser was opened, nothing was sent. {parts}.",
  fail_SIZE:
    "Vinted does not offer size “{size}” for this type (it offers {offered}): choose one in “Size”, save, then start again",
  fail_SIZE_none: "Vinted offers no size for this type: empty “Size”, save, then start again",
  fail_REJECTED: "Vinted refused the listing: correct it, save, then start again",
  fail_REJECTED_fields: "Vinted refused the listing ({f}): correct these fields, save, then start again",
  fail_NO_BRAND:
    "not published: Vinted does not publish an article without a brand; set its brand in the listing",
  fail_PHOTO: "photo {file} is not in the catalog's folder: vbulk only sends the photos of that folder",
  fail_CHALLENGE: "Vinted asked for a security check (captcha)",
  fail_RATE_LIMITED: "Vinted asked to slow down (too many writes)",
  fail_NOT_LOGGED_IN: "vbulk has no Vinted session on this computer: nothing was sent",
  fail_SESSION_EXPIRED: "Vinted no longer accepts the saved session",
  fail_FORBIDDEN: "Vinted refused what was sent (a plain refusal, not a security check)",
  fail_NO_TOKEN: "Vinted's listing page holds no security token: nothing was sent",
  fail_TRANSIENT: "Vinted did not answer as expected (a time-out, or an error on its side)",
  fail_VINTED_404: "Vinted no longer finds what vbulk meant to change (a 404: a draft deleted on Vinted?)",
  fail_NETWORK: "vbulk could not reach Vinted (connection)",
  fail_BROWSER_LOST: "the browser window closed or crashed before the end",
  fail_NO_DISPLAY: "vbulk could not open a browser window: no display is available",
  fail_NO_BROWSER: "vbulk found no Chrome or Chromium browser it can start",
  fail_FILE: "vbulk could not read or write one of its files",
  fail_OTHER: "an unexpected error",
  failHint_NOT_LOGGED_IN:
    "in a terminal, run “vbulk login” and log in to Vinted in the window that opens, then click “Create the drafts” again.",
  failHint_NO_TOKEN:
    "open Vinted in your browser: if it asks you to log in, run “vbulk login” in a terminal; if it shows the listing form, Vinted changed its page: run “vbulk doctor” in a terminal and attach its report to a bug report. Then click “Create the drafts” again.",
  failHint_NETWORK:
    "check this computer's connection, then click “Create the drafts” again: the run picks up where it stopped.",
  failHint_BROWSER_LOST:
    "click “Create the drafts” again: the run picks up where it stopped. If it keeps happening, check that the browser opens by hand and that the computer has free memory.",
  failHint_NO_DISPLAY:
    "run “vbulk review” from a terminal of your desktop session (on a server: under “xvfb-run -a”), then click “Create the drafts” again.",
  failHint_NO_BROWSER:
    "install Google Chrome or Chromium (or name the browser in VBULK_CHROMIUM_PATH), then click “Create the drafts” again.",
  failHint_FILE: "the technical detail below says which file, and what to do.",
  failHint_OTHER:
    "click “Create the drafts” again; if it keeps happening, attach the technical detail below to a bug report.",
  rawDetail: "Technical detail (for a bug report)",
  planStaleRefused_one:
    "Nothing was sent: the plan is out of date (article {ids} changed since). Click “Generate the plan” (what it does to your edits is said above the button), then start again.",
  planStaleRefused_other:
    "Nothing was sent: the plan is out of date (articles {ids} changed since). Click “Generate the plan” (what it does to your edits is said above the button), then start again.",
  idleDrafted_one: "{n} article already drafted as the plan says",
  idleDrafted_other: "{n} articles already drafted as the plan says",
  idlePublished_one: "{n} published",
  idlePublished_other: "{n} published",
  idleManual_one: "{n} to finish by hand on Vinted",
  idleManual_other: "{n} to finish by hand on Vinted",
  idleNotReady_one: "{n} article not ready: complete what is said below, save, then start again",
  idleNotReady_other: "{n} articles not ready: complete what is said below, save, then start again",
  f_title: "Title",
  f_description: "Description",
  f_price: "Price (€)",
  f_size: "Size",
  f_brand: "Brand",
  brandNone: "no brand (leave empty)",
  f_condition: "Condition",
  f_category: "Type",
  f_color: "Colour",
  f_gender: "Department",
  dept_femme: "women",
  dept_homme: "men",
  col_noir: "black",
  col_blanc: "white",
  col_gris: "grey",
  col_bleu: "blue",
  col_rouge: "red",
  col_vert: "green",
  col_jaune: "yellow",
  col_beige: "beige",
  col_marron: "brown",
  col_rose: "pink",
  col_violet: "purple",
  col_orange: "orange",
  f_publish: "Publish",
  f_excluded: "Exclude",
  none: "—",
  err_price:
    "A price is a positive number from 0.01 to 100,000 €, with at most two decimals, e.g. 12 or 12.50 (you typed “{v}”).",
  err_title: "A title has 1 to 100 characters (this one has {n}).",
  err_description: "A description has 1 to 2000 characters.",
  err_size: "A size has 1 to 20 characters (empty: no size).",
  err_brand: "A brand has 1 to 100 characters.",
  err_line: "“{f}” is one line: remove the line break.",
  err_control:
    "“{f}” holds an invisible or control character that is not accepted ({c}, often from a copy and paste): remove it.",
  err_blank: "“{f}” cannot be only spaces.",
  err_choice: "{f}: choose a value from the list.",
  notReady: "“Publish” cannot be ticked for {id}: Vinted would not take this article as it is. {todo}",
  notReadyFields: "First complete {f}, save, then tick “Publish”.",
  notReadyExcluded: "First untick “Exclude”.",
  notReadyOther: "Also to settle: {r}.",
  notReadyOtherFirst: "To settle first: {r}.",
  goneArticle:
    "Article {id} is no longer in the catalog (a grouping decision renumbered or merged it). The page now shows the articles as they are: find it and type again.",
  otherPhotosArticle:
    "What you typed for {id} was typed for other photos ({typed}): {id} is now {now} (the catalog was made again meanwhile), another garment.",
  saveRefused: "Nothing was saved. vbulk's reason: {e}",
  tabChar: "tab",
  drafts: "Create the drafts",
  runPublish_one: "Publish {n} article (and create the drafts)",
  runPublish_other: "Publish {n} articles (and create the drafts)",
  publishSwitch: "Publish for real (otherwise: drafts only)",
  publishList: "These articles will be PUBLISHED, visible to everyone:",
  publishNone: "No article is marked “Publish”: only drafts will be made.",
  publishNoneReady_one:
    "{n} article is marked “Publish”, but Vinted would not publish it: only drafts will be made.",
  publishNoneReady_other:
    "{n} articles are marked “Publish”, but Vinted would not publish them: only drafts will be made.",
  publishNoneLeft: "Nothing left to publish: only drafts will be made.",
  publishDone_one: "{ids} is already published on Vinted.",
  publishDone_other: "{ids} are already published on Vinted.",
  publishNoBrand_one:
    "{ids} will be drafted but not published: Vinted refuses to publish without a brand. Set its brand in the listing to publish it.",
  publishNoBrand_other:
    "{ids} will be drafted but not published: Vinted refuses to publish without a brand. Set their brand in the listing to publish them.",
  publishExampleText_one:
    "The description of {ids} still carries the built-in template's example text ({texts}): buyers will read it as yours. Edit it before publishing.",
  publishExampleText_other:
    "The descriptions of {ids} still carry the built-in template's example text ({texts}): buyers will read it as yours. Edit them before publishing.",
  typeToConfirm: "Confirmation (to publish, type: {p})",
  confirmPhrase_one:
    "Nothing was sent: to publish the listed article, type “{p}” in “Confirmation”, or untick “Publish for real” to make drafts only.",
  confirmPhrase_other:
    "Nothing was sent: to publish the {n} listed articles, type “{p}” in “Confirmation”, or untick “Publish for real” to make drafts only.",
  confirmChangedNone:
    "Nothing was sent: articles are now marked “Publish” in plan.json (a “vbulk plan” in a terminal, another tab). Read the list below again, now up to date, then type the confirmation it asks for.",
  confirmChanged_one:
    "Nothing was sent: the listed article changed in plan.json since the page showed it (a “vbulk plan” in a terminal, another tab), or others are marked “Publish”. Read the list below again, now up to date, then type the confirmation it asks for.",
  confirmChanged_other:
    "Nothing was sent: the {n} listed articles changed in plan.json since the page showed them (a “vbulk plan” in a terminal, another tab), or others are marked “Publish”. Read the list below again, now up to date, then type the confirmation it asks for.",
  status_running: "Running: {c} (step: {stage})",
  status_done: "Finished ({at}): {c}",
  status_partial: "Partly done ({at}): {c}",
  status_failed: "Failed ({at}): {c}",
  status_interrupted: "Interrupted ({at}): {c}",
  draftOk: "draft {d}",
  published: "published {u}",
  failed: "failed: {e}",
  skipped: "not sent (not ready): {e}",
  pausedChallenge:
    "Nothing was sent: writes to Vinted are paused after a security check (captcha) until {at}.",
  pausedChallengeHint:
    "first do what Vinted asks in your browser (open Vinted, answer the check), then wait for the pause to end and click “Create the drafts” again.",
  pausedRateLimit:
    "Nothing was sent: writes to Vinted are paused to keep to the pace Vinted asks for (too many writes) until {at}.",
  pausedRateLimitHint:
    "nothing to do on Vinted: wait for the pause to end, then click “Create the drafts” again.",
  manual: "to finish by hand on Vinted",
  log_photo: "{id}: photo sent",
  log_draft: "{id}: draft created",
  log_update: "{id}: draft updated to the plan",
  log_adopt: "{id}: draft found on Vinted",
  log_publish: "{id}: published",
  logFailed: "{id}: failed: {e}",
  logWait: "{id}: waiting ({why}) until {at}",
  why_spacing: "the gap between two writes",
  why_hourly_budget: "the writes-per-hour limit",
  why_daily_budget: "the writes-per-day limit",
  why_publish_ceiling: "the publishes-per-minute limit",
  why_pause: "the pause",
  notReached: "not sent: the run stopped before this article; it goes with the next “Create the drafts”",
  stoppedOther: "Run stopped.",
  stoppedInterrupted: "Run interrupted (Ctrl-C): what was sent is recorded in journal.json.",
  stoppedBrowserLost:
    "Run stopped: the browser window closed or was lost; what was sent is recorded in journal.json.",
  stoppedPaused: "Run stopped: writes to Vinted are paused until {at}.",
  stoppedSpent: "Run stopped to keep to {why}: the next write is possible at {at}.",
  stoppedSpentHint: "click “Create the drafts” again after that time: the run picks up where it stopped.",
  stoppedResumeHint: "click “Create the drafts” again: the run picks up where it stopped.",
  stoppedChallenge:
    "Run stopped: Vinted asked for a security check (captcha) on {id}. Nothing more is sent until {at}.",
  stoppedChallengeHint:
    "open Vinted in your browser and do what it asks; finish {id} by hand on Vinted, then tick “Exclude” in its listing here and save, so vbulk leaves it alone. The articles not sent go with the next “Create the drafts”, once the pause is over.",
  stoppedForbidden:
    "Run stopped: Vinted refused what was sent for {id} (a plain refusal, not a security check): nothing more was sent, and writes are not paused.",
  stoppedForbiddenHint:
    "open Vinted in your browser and check the account, run “vbulk login” in a terminal, then click “Create the drafts” again: the run picks up where it stopped.",
  stoppedSession: "Run stopped: Vinted no longer accepts the saved session (at {id}).",
  stoppedSessionHint:
    "in a terminal, run “vbulk login” and log in to Vinted, then click “Create the drafts” again: the run picks up where it stopped.",
  stoppedTransient: "Run stopped: three failures in a row (the last at {id}); Vinted may be down.",
  stoppedTransientHint: "try again later (“Create the drafts”): the run picks up where it stopped.",
  stoppedRateLimit:
    "Run stopped: Vinted asked to slow down (too many writes) at {id}. Nothing more is sent until {at}.",
  stoppedRateLimitHint:
    "wait for the pause to end, then click “Create the drafts” again: the run picks up where it stopped.",
  decidedGone_one:
    "1 photo your grouping decisions name is no longer in the folder (deleted, or replaced by an edited copy, which a decision does not follow): {list}.",
  decidedGone_other:
    "{n} photos your grouping decisions name are no longer in the folder (deleted, or replaced by an edited copy, which a decision does not follow): {list}.",
  decidedWasIn: "{f} (was in {id})",
  decidedTakenOut: "{f} (taken out of the listing)",
  decidedAdded_one: "New since the last analysis: {list}.",
  decidedAdded_other: "New since the last analysis: {list}.",
  decidedNowIn: "{f} (now in {id})",
  decidedMore: "{n} more",
  decidedCheck: "Check the grouping of {ids} on this page: redo the move or the “New article” on the copy.",
  decidedCheckAll: "Check the grouping on this page: redo the move or the “New article” on the copy.",
  dropHere: "Drop here to move the photo",
  keyboardHelp:
    "Keyboard: Tab goes through each photo then its box, then the article's merge and listing; Space on a photo or its box selects it; Enter on a photo enlarges it, Escape closes it; Shift+Tab goes back up to the selection's bar (Move, New article, Take out of the listing).",
  runStarted: "Draft run started: its progress shows under the button.",
  runIdle: "Nothing to send: the details show under the button.",
  runFailed: "The draft run failed: {e}",
  runStopped: "The draft run stopped: {e}",
  runEnded: "Draft run finished.",
  runStage: "Creating the drafts: {stage}.",
  analysingStage: "Analysing: {stage}.",
  analyseStarted: "Analysis started: its progress shows below.",
  analysed: "Analysis finished: {a}, {p}.",
  analyseFailed: "The analysis stopped: {e}",
  place: "article {i} of {n}",
  splitDone: "New article {id} created ({place}).",
  moveDone_one: "{n} photo moved to {id} ({place}).",
  moveDone_other: "{n} photos moved to {id} ({place}).",
  dropDone_one:
    "{n} photo taken out of {ids}: it is under “Photos taken out of the listing”, at the bottom of the page.",
  dropDone_other:
    "{n} photos taken out of {ids}: they are under “Photos taken out of the listing”, at the bottom of the page.",
};

export type Lang = "fr" | "en";

/** The text for `key` in `lang`, with {placeholders} filled. */
export function t(lang: Lang, key: Key, vars: Record<string, string | number> = {}): string {
  const text: string = lang === "en" ? EN[key] : FR[key];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** Between two items of a list that has commas already: « a ; b » in French, "a; b" in English. */
export function semicolon(lang: Lang): string {
  return lang === "fr" ? " ; " : "; ";
}

/** A field's name as its label on the page, without the unit: « Prix », « Taille » (the id where it has none). */
export function fieldName(lang: Lang, field: string): string {
  const key = `f_${field}`;
  return hasKey(key) ? t(lang, key).replace(/ \(€\)$/, "") : field;
}

/** A field's name as its label on the page, in quotes, without the unit: « Type », « Prix ». */
export function quotedField(lang: Lang, field: string): string {
  const name = fieldName(lang, field);
  return lang === "fr" ? `« ${name} »` : `“${name}”`;
}

/** Things listed in a sentence: « a, b et c », "a, b and c". */
export function andList(lang: Lang, items: string[]): string {
  const last = items.at(-1) ?? "";
  return items.length < 2
    ? last
    : `${items.slice(0, -1).join(", ")}${lang === "fr" ? " et " : " and "}${last}`;
}

/** Keys said in the singular or the plural: KEY_one and KEY_other. */
type Counted = { [K in Key]: K extends `${infer B}_one` ? B : never }[Key];

/**
 * The text for `key` said of `n` things, in the singular or the plural ({n} filled): French takes the singular for 0
 * and 1 (« 0 doublon », « 1 photo »), English for 1 only.
 */
export function tn(lang: Lang, key: Counted, n: number, vars: Record<string, string | number> = {}): string {
  const one = lang === "fr" ? n < 2 : n === 1;
  return t(lang, `${key}_${one ? "one" : "other"}`, { n, ...vars });
}

export function hasKey(key: string): key is Key {
  return key in FR;
}

/**
 * The status file's words (commands and stages: the terminal's English ids) as the page says them. A word not
 * listed is shown as it is.
 */
const STATUS_WORDS: Record<Lang, Record<string, string>> = {
  fr: {
    ingest: "analyse des photos",
    execute: "création des brouillons",
    scan: "recherche des photos",
    extract: "extraction du ZIP",
    model: "chargement du modèle",
    analyse: "analyse",
    duplicates: "doublons",
    group: "regroupement",
    classify: "types et couleurs",
    write: "écriture",
    drafts: "brouillons",
    publish: "publication",
  },
  en: {
    ingest: "photo analysis",
    execute: "draft creation",
    scan: "finding the photos",
    extract: "unpacking the ZIP",
    model: "loading the model",
    analyse: "reading the photos",
    duplicates: "duplicates",
    group: "grouping",
    classify: "types and colours",
    write: "writing",
    drafts: "drafts",
    publish: "publishing",
  },
};

/** A status word (command or stage) in `lang`. */
export function statusWord(lang: Lang, word: string): string {
  return STATUS_WORDS[lang][word] ?? word;
}

/**
 * Each command's counts (the status file's names) as the page says them after their number, [one, several]: a count
 * reads like the rest of the page (« 1 en échec », « 0 publié »), not as the name of a state (« échec 0 »).
 */
const COUNT_WORDS: Record<Lang, Record<string, Record<string, [string, string]>>> = {
  fr: {
    execute: {
      articles: ["article", "articles"],
      drafts: ["brouillon", "brouillons"],
      published: ["publié", "publiés"],
      failed: ["en échec", "en échec"],
      skipped: ["pas prêt", "pas prêts"],
      needs_manual: ["à finir à la main", "à finir à la main"],
      writes_sent: ["envoi", "envois"],
    },
    ingest: {
      files: ["fichier", "fichiers"],
      skipped: ["ignoré", "ignorés"],
      queued: ["à analyser", "à analyser"],
      done: ["analysé", "analysés"],
      errors: ["illisible", "illisibles"],
      duplicates: ["doublon", "doublons"],
      articles: ["article", "articles"],
    },
  },
  en: {
    execute: {
      articles: ["article", "articles"],
      drafts: ["draft", "drafts"],
      published: ["published", "published"],
      failed: ["failed", "failed"],
      skipped: ["not ready", "not ready"],
      needs_manual: ["to finish by hand", "to finish by hand"],
      writes_sent: ["write sent", "writes sent"],
    },
    ingest: {
      files: ["file", "files"],
      skipped: ["skipped", "skipped"],
      queued: ["queued", "queued"],
      done: ["analysed", "analysed"],
      errors: ["unreadable", "unreadable"],
      duplicates: ["duplicate", "duplicates"],
      articles: ["article", "articles"],
    },
  },
};

/**
 * A command's counts as the status line says them, number first, in the singular or the plural as tn() says them:
 * « 3 articles · 1 brouillon · 0 publié · 1 en échec », "3 articles · 1 draft · 0 published · 1 failed". A count the
 * page has no words for is said by its name.
 */
export function statusCounts(lang: Lang, command: string, counts: Record<string, number>): string {
  const one = (n: number) => (lang === "fr" ? n < 2 : n === 1);
  return Object.entries(counts)
    .map(([k, n]) => {
      const words = COUNT_WORDS[lang][command]?.[k];
      return words ? `${n} ${words[one(n) ? 0 : 1]}` : `${n} ${k}`;
    })
    .join(" · ");
}

/** The status line's start: what runs, or ran (how it ended, `at` when). */
export function statusHead(
  lang: Lang,
  s: { command: string; state: string; stage: string },
  at: string,
): string {
  const c = statusWord(lang, s.command);
  const key = `status_${s.state}`;
  if (s.state === "running" || !hasKey(key))
    return t(lang, "status_running", { c, stage: statusWord(lang, s.stage) });
  return t(lang, key, { c, at });
}

/** Why a run or an article failed, as the server sends it (src/review/refusals.ts explainFailure). */
export type RunFailure =
  /** Vinted offers no such size for the article's type (`offered`: the sizes it does offer). */
  | { code: "SIZE"; size: string; offered: string[] }
  /** Vinted refused the listing's content (`fields`: the fields it named, its own names). */
  | { code: "REJECTED"; fields: string[] }
  /** Drafted, not published: Vinted publishes nothing without a brand. */
  | { code: "NO_BRAND" }
  /** A photo outside the catalog's folder, never uploaded. */
  | { code: "PHOTO"; file: string }
  /** A refusal that paused every write, and the pause's end (an ISO time) when known. */
  | { code: "CHALLENGE" | "RATE_LIMITED"; until: string | null }
  | {
      code:
        | "NOT_LOGGED_IN"
        | "SESSION_EXPIRED"
        | "FORBIDDEN"
        | "NO_TOKEN"
        | "TRANSIENT"
        | "VINTED_404"
        | "NETWORK"
        | "BROWSER_LOST"
        | "NO_DISPLAY"
        | "NO_BROWSER"
        | "FILE"
        | "OTHER";
    };

/** Vinted's names for a listing's fields (its refusals name them) → the page's field. */
const VINTED_FIELDS: Record<string, string> = {
  title: "title",
  description: "description",
  price: "price",
  brand: "brand",
  brand_id: "brand",
  size: "size",
  size_id: "size",
  color: "color",
  color_ids: "color",
  catalog: "category",
  catalog_id: "category",
  status: "condition",
  status_id: "condition",
};

/** A field Vinted named, as its label on the page in quotes (« Marque »), or Vinted's name for one the page has not. */
function vintedField(lang: Lang, field: string): string {
  const key = `f_${VINTED_FIELDS[field] ?? ""}`;
  if (!hasKey(key)) return field;
  const name = t(lang, key).replace(/ \(€\)$/, "");
  return lang === "fr" ? `« ${name} »` : `“${name}”`;
}

/** A clause as a sentence: its first letter upper-case (not vbulk's name), a full stop at its end. */
function sentence(text: string): string {
  const s = text.startsWith("vbulk") ? text : `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Why a run or an article failed, in the page's words, as a clause (« échec : … » on an article's row). */
export function failureText(lang: Lang, f: RunFailure): string {
  switch (f.code) {
    case "SIZE":
      return f.offered.length
        ? t(lang, "fail_SIZE", {
            size: f.size,
            // As the terminal lists them: a shoe's sizes run to dozens.
            offered: `${f.offered.slice(0, 15).join(", ")}${f.offered.length > 15 ? ", …" : ""}`,
          })
        : t(lang, "fail_SIZE_none");
    case "REJECTED":
      return f.fields.length
        ? t(lang, "fail_REJECTED_fields", {
            f: andList(
              lang,
              f.fields.map((x) => vintedField(lang, x)),
            ),
          })
        : t(lang, "fail_REJECTED");
    case "PHOTO":
      return t(lang, "fail_PHOTO", { file: f.file });
    default: {
      const key = `fail_${f.code}`;
      return t(lang, hasKey(key) ? key : "fail_OTHER");
    }
  }
}

/** What to do about a failed run, by failure (after « Que faire : »); null when the failure says it itself. */
const FAIL_HINTS: Record<RunFailure["code"], Key | null> = {
  SIZE: null,
  REJECTED: null,
  NO_BRAND: null,
  PHOTO: null,
  CHALLENGE: "pausedChallengeHint",
  RATE_LIMITED: "pausedRateLimitHint",
  NOT_LOGGED_IN: "failHint_NOT_LOGGED_IN",
  SESSION_EXPIRED: "stoppedSessionHint",
  FORBIDDEN: "stoppedForbiddenHint",
  NO_TOKEN: "failHint_NO_TOKEN",
  TRANSIENT: "stoppedTransientHint",
  VINTED_404: "failHint_OTHER",
  NETWORK: "failHint_NETWORK",
  BROWSER_LOST: "failHint_BROWSER_LOST",
  NO_DISPLAY: "failHint_NO_DISPLAY",
  NO_BROWSER: "failHint_NO_BROWSER",
  FILE: "failHint_FILE",
  OTHER: "failHint_OTHER",
};

/**
 * Why a whole run failed, as a sentence in the page's words, and what to do: a refusal that paused every write says
 * until when, in the seller's clock (`localTime`: an ISO time as the page writes it).
 */
export function runFailureWords(
  lang: Lang,
  f: RunFailure,
  localTime: (iso: string) => string,
): { text: string; hint: string | null } {
  if ((f.code === "CHALLENGE" || f.code === "RATE_LIMITED") && f.until) {
    const challenge = f.code === "CHALLENGE";
    return {
      text: t(lang, challenge ? "pausedChallenge" : "pausedRateLimit", { at: localTime(f.until) }),
      hint: t(lang, challenge ? "pausedChallengeHint" : "pausedRateLimitHint"),
    };
  }
  const hint = FAIL_HINTS[f.code] ?? null;
  return { text: sentence(failureText(lang, f)), hint: hint && t(lang, hint) };
}

/** Why a run stopped before its end, as the server sends it (src/review/execute.ts RunStop). */
export interface RunStop {
  reason: string;
  left: string[];
  pause: { kind: "challenge" | "rate_limit"; id: string; until: string } | null;
  by?: { code: string; id: string } | null;
  cause?:
    | { kind: "interrupted" | "browser_lost" }
    | { kind: "paused"; until: string }
    | { kind: "spent"; why: string; until: string }
    | null;
}

/** A stop's refusal code → what the page says of it, and what to do. */
const STOP_WORDS: Record<string, [Key, Key]> = {
  FORBIDDEN: ["stoppedForbidden", "stoppedForbiddenHint"],
  NOT_LOGGED_IN: ["stoppedSession", "stoppedSessionHint"],
  TRANSIENT: ["stoppedTransient", "stoppedTransientHint"],
};

/** A write limit as the page names it (« le plafond d'envois par heure »), from the core's "hourly budget". */
export function limitName(lang: Lang, why: string): string {
  const key = `why_${why.replace(/ /g, "_")}`;
  return hasKey(key) ? t(lang, key) : why;
}

/**
 * Why a run stopped, and what to do, in the page's words, whatever stopped it: a refusal of Vinted's (a captcha or
 * its rate limit, which paused every write; a plain refusal, a lost session, failures in a row), Ctrl-C, the browser
 * lost, a pause, a spent write budget. Times are said by `localTime` (an ISO time in the seller's clock). A stop the
 * page has no words for (a newer server's) says only that the run stopped: the caller shows `reason` as a detail.
 */
export function stopWords(
  lang: Lang,
  stopped: RunStop,
  localTime: (iso: string) => string,
): { text: string; hint: string | null } {
  const p = stopped.pause;
  if (p) {
    const vars = { id: p.id, at: localTime(p.until) };
    return p.kind === "challenge"
      ? { text: t(lang, "stoppedChallenge", vars), hint: t(lang, "stoppedChallengeHint", vars) }
      : { text: t(lang, "stoppedRateLimit", vars), hint: t(lang, "stoppedRateLimitHint", vars) };
  }
  const by = stopped.by;
  const worded = by ? STOP_WORDS[by.code] : undefined;
  if (by && worded)
    return { text: t(lang, worded[0], { id: by.id }), hint: t(lang, worded[1], { id: by.id }) };
  const c = stopped.cause;
  switch (c?.kind) {
    case "interrupted":
      return { text: t(lang, "stoppedInterrupted"), hint: t(lang, "stoppedResumeHint") };
    case "browser_lost":
      return { text: t(lang, "stoppedBrowserLost"), hint: t(lang, "failHint_BROWSER_LOST") };
    case "paused":
      return {
        text: t(lang, "stoppedPaused", { at: localTime(c.until) }),
        hint: t(lang, "stoppedRateLimitHint"),
      };
    case "spent":
      return {
        text: t(lang, "stoppedSpent", { why: limitName(lang, c.why), at: localTime(c.until) }),
        hint: t(lang, "stoppedSpentHint"),
      };
    default:
      return { text: t(lang, "stoppedOther"), hint: null };
  }
}

/**
 * What an analysis started from the page said, as the server sends it (src/review/ingest.ts): the core's words for
 * the terminal, or data the page words (photos decisions name gone, how new photos were placed, no CLIP model,
 * photos saved again, a model folder loaded unverified, a ZIP's earlier run, photos grouped by appearance only
 * because their order told nothing, a photo that could not be read).
 * Declared once, here: the server imports it (type only).
 */
export type IngestWarning =
  | string
  | DecidedGone
  | ({ code: "PLACED" } & PlacedPhotos)
  | { code: "NO_MODEL" }
  | { code: "RESAVED"; n: number }
  | { code: "UNVERIFIED_MODEL"; dir: string; writable: boolean }
  | { code: "EARLIER_RUN"; zip: string; files: string[] }
  | { code: "ORDER_UNCLEAR"; photos: number; alone: boolean }
  /** Photos without a capture time among photos in capture order (core/events.ts note `untimed`). */
  | { code: "UNTIMED"; n: number; total: number; files: string[]; where: "before" | "after" | "both" | null }
  /** Landscape photos in a batch shot in portrait (core/events.ts note `sideways`). */
  | { code: "SIDEWAYS"; n: number; total: number; files: string[] }
  /** Photos taken for a phone's screenshot, put after the others (core/events.ts note `screenshots`). */
  | { code: "SCREENSHOTS"; n: number; files: string[] }
  /** The earlier articles were not kept: grouping settings or the model changed (core/events.ts `regrouped`). */
  | ({ code: "REGROUPED" } & Regrouped)
  /** catalog.json edited by hand, kept aside as `kept` (core/events.ts `handEdited`). */
  | { code: "HAND_EDITED"; kept: string }
  /** CLIP asked on the GPU (VBULK_DEVICE=cuda) runs on the CPU (core/events.ts `cpuFallback`). */
  | { code: "CPU_FALLBACK"; reason: string }
  | { code: "PHOTO_ERROR"; file: string; message: string; osError?: string };

/**
 * Why an analysis from the page ended without a catalog, as data the page words (src/review/ingest.ts
 * toPageFailure): no photo could be read, or an error stopped it (the core's English stays the terminal's, and the
 * page's technical detail). A load of the page refused for the same reason (a damaged catalog.json) says it too.
 */
export type IngestFailure =
  | { code: "NONE_READ"; files: number; keptPrevious: boolean }
  /** Another run holds the folder's ingest lock (a terminal's `vbulk ingest`, another page, a grouping decision). */
  | { code: "BUSY"; pid: number; since: string; source: string; decision: boolean }
  /** More photos than sources.maxFiles, in the folder or the ZIP; the config file the page's analysis reads, if any. */
  | {
      code: "TOO_MANY";
      found: number;
      limit: number;
      zip: boolean;
      configFile: string | null;
      /** The limit came from BULK_MAX_FILES, set where `vbulk review` was started. */
      fromEnv?: boolean;
    }
  /** catalog.json or decisions.json of the folder cannot be read: where (a JSON line and column, a field's path). */
  | ({ code: "DAMAGED"; file: "catalog.json" | "decisions.json" } & (
      | { damage: "syntax"; line: number; column: number }
      | { damage: "field"; field: string }
      /** A field vbulk does not know (a hand edit: "colour"), and the known one it most likely meant. */
      | { damage: "unknown-field"; field: string; near: string | null }
      /** Two articles under one id, a photo in two articles (catalog.json edited by hand). */
      | { damage: "same-id"; id: string }
      | { damage: "same-photo"; photo: string }
      | { damage: "empty" | "not-json" | "newer" | "foreign" }
    ))
  /** The CLIP model the folder's earlier analysis used cannot be had now: offline, not downloaded, no cache folder. */
  | { code: "MODEL_NEEDED"; model: string; reason: "offline" | "network" | "cache-folder" }
  /** The disk refused a write: full, or a folder vbulk may not write in (or read), or a read-only disk. */
  | { code: "DISK_FULL"; path: string }
  | { code: "NOT_WRITABLE"; path: string; readOnly: boolean; reading: boolean }
  /** A path the system refuses for its length, or a file where a folder goes (or the reverse). */
  | { code: "PATH_REFUSED"; path: string; why: "too-long" | "file-in-way" | "folder-in-way" | "link-in-way" }
  /** A ZIP that cannot be read: cut short (an unfinished download), or damaged; or no ZIP at all (what it is when
   *  its first bytes tell: sources/zip.ts NotZipKind). */
  | {
      code: "ZIP_UNREADABLE";
      cutShort: boolean;
      notZip?: "empty" | "photo" | "archive" | "page" | "other";
    }
  /** A ZIP over a limit: its entries, an entry's compression ratio (a zip bomb), its size unpacked, the upload's. */
  | { code: "ZIP_TOO_LARGE"; exceeded: "entries"; max: number; found: number }
  | { code: "ZIP_TOO_LARGE"; exceeded: "ratio"; max: number; ratio: number; entry: string }
  | { code: "ZIP_TOO_LARGE"; exceeded: "total" | "upload"; max: number }
  /** A file dropped on the page that is no .zip. */
  | { code: "NOT_ZIP"; name: string }
  /** Not one photo in the folder or ZIP: what was found instead, and the kind whose advice comes first. */
  | {
      code: "NO_PHOTO";
      zip: boolean;
      found: { kind: NoPhotoKind; n: number }[];
      lead: NoPhotoKind | null;
      maxFileBytes?: number;
    }
  /** This page's server already runs an analysis (asked from another tab, or a ZIP dropped meanwhile), or drafts. */
  | { code: "RUNNING"; what: "analysis" | "drafts" }
  /** The server is stopping (Ctrl-C in its terminal): it starts nothing any more. */
  | { code: "STOPPING" }
  /** journal.json of this folder records drafts of another Vinted site (`recorded`) than the one in use (`site`). */
  | { code: "JOURNAL_SITE"; recorded: string; site: string };

/** What is in the way of a folder or a file vbulk writes. */
const IN_WAY = {
  "file-in-way": "stopFileInWay",
  "folder-in-way": "stopFolderInWay",
  "link-in-way": "stopLinkInWay",
} as const;

/** A number the core wrote with a point ("16.7"), as the page's language writes it: « 16,7 » in French. */
function oneDecimal(lang: Lang, written: string): string {
  return Number(written).toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: 1 });
}

/** A size in bytes as a seller reads it: « 8 Go », « 64 Mo » in French, "8 GB", "64 MB" in English. */
export function bytesText(lang: Lang, bytes: number): string {
  const units = lang === "fr" ? ["octets", "Ko", "Mo", "Go", "To"] : ["bytes", "KB", "MB", "GB", "TB"];
  let n = bytes;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  const number = n.toLocaleString(lang === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: 1 });
  return `${number} ${units[unit]}`;
}

/** What the seller does again once the stop is mended: the button clicked, the ZIP dropped, a load, another action. */
export type Retry = "first" | "again" | "upload" | "load" | "other";

/**
 * Why the page's analysis (or its load) stopped, and what to do, in the page's words. `retry`: what the seller did
 * (« Analyser les photos », « Analyser à nouveau », a dropped ZIP…), said again in the hint; `localTime` writes a
 * moment (an ISO time) in the seller's clock.
 */
export function ingestFailureWords(
  lang: Lang,
  f: IngestFailure,
  {
    retry = "first",
    localTime = (iso: string) => iso,
  }: { retry?: Retry; localTime?: (iso: string) => string } = {},
): { text: string; hint: string } {
  const again = t(lang, `retry_${retry}`);
  switch (f.code) {
    case "NONE_READ":
      return {
        text: tn(lang, "noneRead", f.files, {
          what: t(lang, f.keptPrevious ? "noneReadKept" : "noneReadNothing"),
        }),
        hint: t(lang, f.keptPrevious ? "noneReadKeptHint" : "noneReadHint"),
      };
    case "BUSY": {
      const vars = { pid: f.pid, at: localTime(f.since), source: f.source, retry: again };
      return f.decision
        ? { text: t(lang, "stopBusyDecision", vars), hint: t(lang, "stopBusyDecisionHint", vars) }
        : { text: t(lang, "stopBusy", vars), hint: t(lang, "stopBusyHint", vars) };
    }
    case "TOO_MANY": {
      const vars = { found: f.found, limit: f.limit, file: f.configFile ?? "", retry: again };
      const raise = t(
        lang,
        f.fromEnv ? "raiseInEnv" : f.configFile ? "raiseInConfig" : "raiseNoConfig",
        vars,
      );
      return {
        text: t(lang, f.zip ? "stopTooManyZip" : "stopTooMany", vars),
        hint: t(lang, f.zip ? "stopTooManyZipHint" : "stopTooManyHint", { ...vars, raise }),
      };
    }
    case "DAMAGED": {
      const what = `${t(lang, `damaged_${f.damage}`, {
        ...(f.damage === "syntax" ? { line: f.line, column: f.column } : {}),
        ...(f.damage === "field" || f.damage === "unknown-field" ? { field: f.field } : {}),
        ...(f.damage === "same-id" ? { id: f.id } : {}),
        ...(f.damage === "same-photo" ? { photo: f.photo } : {}),
      })}${f.damage === "unknown-field" && f.near ? ` ${t(lang, "damagedNear", { near: f.near })}` : ""}`;
      return {
        text: t(lang, "stopDamaged", { file: f.file, what }),
        hint: t(
          lang,
          f.damage === "newer"
            ? "damagedNewerHint"
            : f.file === "catalog.json"
              ? "damagedCatalogHint"
              : "damagedDecisionsHint",
          { retry: again },
        ),
      };
    }
    case "MODEL_NEEDED":
      return {
        text: t(lang, "stopModel", { model: f.model, why: t(lang, `modelWhy_${f.reason}`) }),
        hint: `${t(lang, `modelHint_${f.reason}`, { retry: again })} ${t(lang, "modelNoModel")}`,
      };
    case "DISK_FULL":
      return {
        text: t(lang, "stopDiskFull", { path: f.path }),
        hint: t(lang, "stopDiskFullHint", { retry: again }),
      };
    case "NOT_WRITABLE": {
      const [text, hint]: [Key, Key] = f.reading
        ? ["stopReadDenied", "stopReadDeniedHint"]
        : f.readOnly
          ? ["stopReadOnly", "stopReadOnlyHint"]
          : ["stopDenied", "stopDeniedHint"];
      return { text: t(lang, text, { path: f.path }), hint: t(lang, hint, { retry: again }) };
    }
    case "PATH_REFUSED":
      return f.why === "too-long"
        ? { text: t(lang, "stopTooLong", { path: f.path }), hint: t(lang, "stopTooLongHint") }
        : {
            text: t(lang, IN_WAY[f.why], { path: f.path }),
            hint: t(lang, f.why === "link-in-way" ? "stopLinkInWayHint" : "stopInWayHint", { retry: again }),
          };
    case "ZIP_UNREADABLE":
      if (f.notZip)
        return {
          text: t(lang, `notZip_${f.notZip}`),
          hint: t(lang, f.notZip === "empty" ? "stopZipCutHint" : `notZipHint_${f.notZip}`),
        };
      return f.cutShort
        ? { text: t(lang, "stopZipCut"), hint: t(lang, "stopZipCutHint") }
        : { text: t(lang, "stopZipDamaged"), hint: t(lang, "stopZipDamagedHint") };
    case "ZIP_TOO_LARGE":
      switch (f.exceeded) {
        case "entries":
          return {
            text: t(lang, "zipEntries", { found: f.found, max: f.max }),
            hint: t(lang, "zipEntriesHint"),
          };
        case "ratio":
          return {
            text: t(lang, "zipRatio", { entry: f.entry, ratio: f.ratio, max: f.max }),
            hint: t(lang, "zipRatioHint"),
          };
        case "total":
          return {
            text: t(lang, "zipTotal", { max: bytesText(lang, f.max) }),
            hint: t(lang, "zipTotalHint"),
          };
        default:
          return {
            text: t(lang, "zipUpload", { max: bytesText(lang, f.max) }),
            hint: t(lang, "zipUploadHint"),
          };
      }
    case "NOT_ZIP":
      return { text: t(lang, "stopNotZip", { name: f.name }), hint: t(lang, "stopNotZipHint") };
    case "RUNNING":
      return f.what === "analysis"
        ? { text: t(lang, "stopRunning"), hint: t(lang, "stopRunningHint", { retry: again }) }
        : { text: t(lang, "stopRunningDrafts"), hint: t(lang, "stopRunningDraftsHint") };
    case "STOPPING":
      return { text: t(lang, "stopStopping"), hint: t(lang, "stopStoppingHint") };
    case "JOURNAL_SITE":
      return {
        text: t(lang, "stopJournalSite", { recorded: f.recorded, site: f.site }),
        hint: t(lang, "stopJournalSiteHint", { recorded: f.recorded, site: f.site }),
      };
    case "NO_PHOTO": {
      const list = andList(
        lang,
        f.found.map(({ kind, n }) => tn(lang, `nk_${kind}`, n)),
      );
      const lead = f.lead ?? "not-photo";
      const zipKey = `nkHint_${lead}_zip`;
      return {
        text: f.found.length
          ? t(lang, f.zip ? "noPhotoZip" : "noPhotoFolder", { list })
          : t(lang, f.zip ? "noPhotoEmptyZip" : "noPhotoEmptyFolder"),
        hint: t(lang, f.zip && hasKey(zipKey) ? zipKey : `nkHint_${lead}`, {
          retry: again,
          max: bytesText(lang, f.maxFileBytes ?? 0),
        }),
      };
    }
  }
}

/** The system's error codes the page words (src/ingest/analyse.ts osError); others are shown as the core said them. */
const OS_ERROR_WORDS = new Map<string, Key>([
  ["EACCES", "photoDenied"],
  ["EPERM", "photoDenied"],
  ["EIO", "photoDiskError"],
  ["ENXIO", "photoDiskError"],
  ["ENOENT", "photoGone"],
]);

/**
 * Why a photo could not be read, in the page's words: from the system's code when the file could not be read at
 * all (a permission, a disk's read error, a file gone meanwhile), else from the decoder's message
 * (src/imaging/decode.ts): an empty file, one too large to decode, one too small to show a garment, or a damaged
 * file or one that is no photo.
 * Another message is shown as written.
 */
export function photoErrorText(lang: Lang, message: string, osError?: string): string {
  const os = osError ? OS_ERROR_WORDS.get(osError) : undefined;
  if (os) return t(lang, os);
  if (/^Expected image data but received an empty file/.test(message)) return t(lang, "photoEmpty");
  const large = /^Expected an image of at most (\d+) MP but the file declares .+?; not decoded/.exec(message);
  if (large) return t(lang, "photoTooLarge", { max: large[1]! });
  const small =
    /^Expected an image at least (\d+) pixels on its shortest side but the file is (\d+)x(\d+) pixels; not analysed/.exec(
      message,
    );
  if (small) return t(lang, "photoTooSmall", { min: small[1]!, w: small[2]!, h: small[3]! });
  const long =
    /^Expected an image at most ([\d.]+) times as long as it is wide but the file is (\d+)x(\d+) pixels \(([\d.]+) times\); not analysed/.exec(
      message,
    );
  if (long)
    return t(lang, "photoTooLong", {
      max: oneDecimal(lang, long[1]!),
      w: long[2]!,
      h: long[3]!,
      ratio: oneDecimal(lang, long[4]!),
    });
  if (/^Expected a readable (HEIC )?image .*the file is damaged or is not a photo$/.test(message))
    return t(lang, "photoDamaged");
  return message;
}

/** An analysis's warning in the page's words (the core's own string when the page has none for it). */
export function ingestWarningText(lang: Lang, w: IngestWarning): string {
  if (typeof w === "string") return w;
  switch (w.code) {
    case "DECIDED_GONE":
      return decidedGoneText(lang, w);
    case "NO_MODEL":
      return t(lang, "noModel");
    case "RESAVED":
      return tn(lang, "resaved", w.n);
    case "UNVERIFIED_MODEL":
      return t(lang, w.writable ? "unverifiedModel" : "unverifiedModelReadOnly", { dir: w.dir });
    case "EARLIER_RUN":
      return t(lang, "earlierRun", { zip: w.zip, list: listed(lang, w.files) });
    case "ORDER_UNCLEAR":
      return t(lang, w.alone ? "orderUnclearAlone" : "orderUnclear", { n: w.photos });
    case "SCREENSHOTS":
      return tn(lang, "screenshots", w.n, {
        files: firstNames(w),
      });
    case "SIDEWAYS":
      return tn(lang, "sideways", w.n, {
        total: w.total,
        files: firstNames(w),
      });
    case "UNTIMED": {
      const files = firstNames(w);
      return w.where
        ? tn(lang, "untimedSource", w.n, { total: w.total, files, where: t(lang, `untimedWhere_${w.where}`) })
        : tn(lang, "untimedAmong", w.n, { total: w.total, files });
    }
    case "REGROUPED": {
      const why = [
        ...(w.settings.length
          ? [
              t(lang, "regroupedSettings", {
                list: w.settings.map((s) => `${s.key} ${s.was} → ${s.now}`).join(", "),
              }),
            ]
          : []),
        ...(w.model ? [t(lang, "regroupedModel", { was: w.model.was, now: w.model.now })] : []),
      ];
      return t(lang, "regrouped", {
        why: why.length ? why.join(t(lang, "regroupedAnd")) : t(lang, "regroupedSettingsAny"),
      });
    }
    case "HAND_EDITED":
      return t(lang, "handEdited", { kept: w.kept });
    case "CPU_FALLBACK":
      return t(lang, "cpuFallback", { reason: w.reason });
    case "PHOTO_ERROR":
      return `${w.file}${lang === "fr" ? " : " : ": "}${photoErrorText(lang, w.message, w.osError)}`;
    case "PLACED": {
      const parts = [
        tn(lang, "placedKept", w.earlier),
        w.added ? tn(lang, "placedAdded", w.added, { joined: w.joined, others: w.added - w.joined }) : "",
        w.swapped ? tn(lang, "placedSwapped", w.swapped) : "",
        w.replaced ? tn(lang, "placedReplaced", w.replaced) : "",
        w.removed ? tn(lang, "placedRemoved", w.removed) : "",
      ].filter(Boolean);
      // "Check the new articles" only when there are some: the added photos may all have joined earlier ones.
      return t(lang, w.added > w.joined ? "placed" : "placedNoneNew", {
        parts: parts.join(semicolon(lang)),
      });
    }
  }
}

/** An analysis found photos the seller's decisions name deleted or replaced, as the server sends it. */
export interface DecidedGone {
  code: "DECIDED_GONE";
  gone: DecidedPhoto[];
  added: DecidedPhoto[];
}

/** The first names a note carries of its `n` photos, « … » after them when there are more. */
function firstNames(w: { n: number; files: string[] }): string {
  return `${w.files.join(", ")}${w.n > w.files.length ? ", …" : ""}`;
}

/** How many names a list says before « et 3 autres » (the terminal's warning lists as many). */
const LISTED = 10;

/** Names in a sentence, the first LISTED of them and how many more: « a, b et 3 autres ». */
function listed(lang: Lang, names: string[]): string {
  const more = names.length - LISTED;
  return andList(lang, more > 0 ? [...names.slice(0, LISTED), t(lang, "decidedMore", { n: more })] : names);
}

/**
 * The page's words for DecidedGone: the photos, where they were, the new ones and where they went, and what to do
 * on this page (the terminal's warning says to run `vbulk review`, which the seller reading it already did).
 */
export function decidedGoneText(lang: Lang, w: DecidedGone): string {
  const list = (photos: DecidedPhoto[], say: (p: DecidedPhoto) => string) => listed(lang, photos.map(say));
  const number = (id: string) => Number(/\d+$/.exec(id)?.[0] ?? 0);
  const articles = [
    ...new Set([...w.gone, ...w.added].map((p) => p.article).filter((a): a is string => a !== null)),
  ].sort((a, b) => number(a) - number(b));
  return [
    tn(lang, "decidedGone", w.gone.length, {
      list: list(w.gone, (p) =>
        p.article
          ? t(lang, "decidedWasIn", { f: p.file, id: p.article })
          : t(lang, "decidedTakenOut", { f: p.file }),
      ),
    }),
    w.added.length
      ? tn(lang, "decidedAdded", w.added.length, {
          list: list(w.added, (p) => t(lang, "decidedNowIn", { f: p.file, id: p.article ?? "" })),
        })
      : "",
    articles.length ? t(lang, "decidedCheck", { ids: andList(lang, articles) }) : t(lang, "decidedCheckAll"),
  ]
    .filter(Boolean)
    .join(" ");
}

/**
 * How to give a leaf id by hand, from mapping.ts userMappingHelp: the mapping file plan reads first (with the shipped
 * one to copy there when it does not exist yet), or the seller's own (--mapping).
 */
function byHandText(lang: Lang, key: string, help: string, which: "specific" | "own" = "specific"): string {
  const cat = t(lang, which === "own" ? "rr_cat_own" : "rr_cat_specific");
  const first = /^(.+) \(plan reads it first; if it does not exist, copy (.+) there\)$/s.exec(help);
  if (first) return t(lang, "rr_by_hand", { file: first[1]!, default: first[2]!, key, cat });
  const own = /^(.+?) \(the mapping this plan reads, --mapping;/s.exec(help);
  return t(lang, "rr_by_hand_own", { file: own ? own[1]! : help, key, cat });
}

/**
 * The plan's most frequent needs_review reasons in the page's language (the core, like the CLI, speaks English; the
 * patterns follow listing/plan.ts and listing/mapping.ts); any other reason is shown as the core wrote it. `name`
 * gives a type's name on the page.
 */
export function reviewReasonText(lang: Lang, reason: string, name: (category: string) => string): string {
  if (/^category unknown/.test(reason)) return t(lang, "rr_category");
  if (/^department unknown/.test(reason)) return t(lang, "rr_department");
  if (/^size missing/.test(reason)) return t(lang, "rr_size");
  const many = /^(\d+) photos: likely several garments/.exec(reason);
  if (many) return t(lang, "rr_too_many_photos", { n: many[1]! });
  // mapping.ts notOnVinted: the department or the type is what the seller changes, here on the page.
  const none = /^Vinted has no (women's|men's) category for "([^"]+)"/.exec(reason);
  if (none)
    return t(lang, none[1] === "men's" ? "rr_not_on_vinted_homme" : "rr_not_on_vinted_femme", {
      c: name(none[2]!),
    });
  // mapping.ts tooGeneral: the page's « Type » when it has a more specific type, and the way out when none fits
  // (men's jeans have no type more specific than Jean; men's oxfords none but Baskets): the leaf id, by hand, in the
  // mapping file plan reads. Before, that way out was left out, and the seller was sent to a list that could not help.
  const general =
    /^type "([^"]+)" is too general for Vinted \((.*?)\): (?:choose a more specific type: (.*?); or )?set the leaf id of your choice as (\S+) in (.+)$/s.exec(
      reason,
    );
  if (general) {
    const [, category, path, specific, key, help] = general as unknown as [
      string,
      string,
      string,
      string | undefined,
      string,
      string,
    ];
    const ids = specific?.split(", ").map((x) => x.replace(/ \(.*\)$/, "")) ?? [];
    const byHand = byHandText(lang, key, help);
    const dept = /\.catalog\.(femme|homme)\.id$/.exec(key)?.[1];
    return ids.length
      ? t(lang, "rr_too_general", { c: name(category), path, list: ids.map(name).join(", "), byHand })
      : t(lang, "rr_too_general_none", {
          c: name(category),
          path,
          d: dept ? t(lang, dept === "homme" ? "dept_homme" : "dept_femme") : "",
          byHand,
        });
  }
  // mapping.ts: an entry whose leaf id `vbulk vinted sync` has yet to find, and one sync flagged.
  // Its way out when sync does not find it either (before, left out: the page said only « lancez vbulk vinted sync »).
  const unknown =
    /^no Vinted leaf id known for (femme|homme) "([^"]+)"(?:.*?; if it stays, set (\S+) in (.+))?/s.exec(
      reason,
    );
  if (unknown) {
    const words = { c: name(unknown[2]!), d: t(lang, unknown[1] === "homme" ? "dept_homme" : "dept_femme") };
    return unknown[3] && unknown[4]
      ? t(lang, "rr_leaf_unknown", { ...words, byHand: byHandText(lang, unknown[3], unknown[4], "own") })
      : t(lang, "rr_leaf_unknown_sync", words);
  }
  const problem = /^Vinted catalogue (\d+) /.exec(reason);
  if (problem) return t(lang, "rr_leaf_problem", { n: problem[1]! });
  return reason;
}

/**
 * A skipped article's reasons in the page's words where it has them, each whole: the server sends them as a list
 * (`reasons`); `error` (the terminal's "needs_review: a; b") is read whole, as one reason, for a result without it.
 * Before, the page split `error` on "; ", which one reason holds itself ("…: choose a more specific type: sneakers
 * (Baskets); or set the leaf id …"): pieces no longer matched their words and showed the terminal's English, cut up.
 */
export function notReadyText(
  lang: Lang,
  r: { error?: string | undefined; reasons?: string[] | undefined },
  name: (category: string) => string,
): string {
  const reasons = r.reasons ?? [(r.error ?? "").replace(/^needs_review: /, "")];
  return reasons.map((x) => reviewReasonText(lang, x, name)).join(semicolon(lang));
}

/** « Publier » refused for an article Vinted would not take as it is (src/review/refusals.ts SaveRefusal). */
export interface NotReady {
  code: "NOT_READY";
  id: string;
  excluded: boolean;
  /** The page's fields to complete first. */
  fields: string[];
  /** Reasons no field of the page settles, the core's words (worded by reviewReasonText). */
  other: string[];
}

/** Why « Publier » cannot be ticked for an article, and what to do first, in the page's words. */
export function notReadyRefusalText(lang: Lang, r: NotReady, name: (category: string) => string): string {
  const todo = [
    r.excluded ? t(lang, "notReadyExcluded") : "",
    r.fields.length
      ? t(lang, "notReadyFields", {
          f: andList(
            lang,
            r.fields.map((f) => quotedField(lang, f)),
          ),
        })
      : "",
    r.other.length
      ? t(lang, r.excluded || r.fields.length ? "notReadyOther" : "notReadyOtherFirst", {
          r: r.other.map((x) => reviewReasonText(lang, x, name)).join(semicolon(lang)),
        })
      : "",
  ]
    .filter(Boolean)
    .join(" ");
  return t(lang, "notReady", { id: r.id, todo });
}

/**
 * What the publish switch says when nothing will go public: `unpublishable` articles marked « Publier » that Vinted
 * would not publish (no brand: the line under it says why), `published` ones published already.
 */
export function publishNoneText(lang: Lang, n: { unpublishable: number; published: number }): string {
  // Before, an article marked without a brand was « Aucun article n'est marqué « Publier » » under its own « à publier ».
  if (n.unpublishable) return tn(lang, "publishNoneReady", n.unpublishable);
  return t(lang, n.published ? "publishNoneLeft" : "publishNone");
}

/**
 * What « Générer le plan » says once the plan is written: how many articles are ready for Vinted of those not
 * excluded, as `vbulk plan` says it (« 1 of 9 articles ready »), and how to find the others on the page (their
 * « à compléter » badge). Before, only « Plan écrit dans plan.json. »: no article looked unfinished.
 */
export function planDoneText(lang: Lang, items: { excluded: boolean; needs_review: string[] }[]): string {
  const included = items.filter((i) => !i.excluded);
  const ready = included.filter((i) => i.needs_review.length === 0).length;
  const waiting = included.length - ready;
  const done = tn(lang, "planDone", lang === "fr" ? ready : included.length, {
    n: ready,
    total: included.length,
  });
  return waiting ? `${done} ${tn(lang, "planNotReady", waiting)}` : done;
}
