import type { SeaLanguage, SeaOutcome, SeaStatus } from '@amani/domain/sea';

/** Interface text of the complainant pages; the questions themselves come from the questionnaire. */
export interface PageTexts {
  languageName: string;
  siteName: string;
  safety: string;
  required: string;
  optional: string;
  send: string;
  followUpLink: string;
  newReportLink: string;
  checkErrors: string;
  fieldRequired: string;
  fieldInvalid: string;
  fieldTooLong: string;
  receiptTitle: string;
  receiptLead: string;
  receiptLabel: string;
  receiptKeepSafe: string;
  followUpTitle: string;
  followUpLead: string;
  receiptInput: string;
  check: string;
  statusTitle: string;
  statusLabel: string;
  outcomeLabel: string;
  receivedLabel: string;
  messagesTitle: string;
  noMessages: string;
  fromYou: string;
  fromTeam: string;
  replyLabel: string;
  sendMessage: string;
  leaveNote: string;
  unknownReceipt: string;
  tooMany: string;
  unavailable: string;
  failed: string;
  controlsTitle: string;
  controlsLead: string;
  withdrawLabel: string;
  withdrawHelp: string;
  eraseContactLabel: string;
  eraseContactHelp: string;
  declineMessagesLabel: string;
  declineMessagesHelp: string;
  changeReceiptLabel: string;
  changeReceiptHelp: string;
  confirmTitle: string;
  confirmYes: string;
  confirmNo: string;
  withdrawnTitle: string;
  withdrawnLead: string;
  contactErased: string;
  messagesDeclinedNote: string;
  newReceiptTitle: string;
  newReceiptLead: string;
  /** Evidence upload ({mb} is replaced by the size cap in megabytes). */
  evidenceLabel: string;
  evidenceHelp: string;
  notSentTitle: string;
  evidenceTooLarge: string;
  evidenceType: string;
  evidenceUnreadable: string;
  statuses: Record<SeaStatus, string>;
  outcomes: Record<SeaOutcome, string>;
}

export const PAGE_TEXTS: Record<SeaLanguage, PageTexts> = {
  en: {
    languageName: 'English',
    siteName: 'Confidential reporting',
    safety: 'If you are in danger now, go to a safe place first. Use a device you trust, and close this page when you are done.',
    required: 'required',
    optional: 'optional',
    send: 'Send report',
    followUpLink: 'Follow up on a report',
    newReportLink: 'Make a new report',
    checkErrors: 'Please check the answers marked below.',
    fieldRequired: 'Please answer this question.',
    fieldInvalid: 'Please choose one of the answers.',
    fieldTooLong: 'This text is too long.',
    receiptTitle: 'Your report was received',
    receiptLead: 'Thank you. A focal point will review your report.',
    receiptLabel: 'Your receipt code',
    receiptKeepSafe:
      'Write this code down now and keep it somewhere safe. It is shown only once: nobody can show it again or recover it. With it you can see replies and answer them. Do not share it.',
    followUpTitle: 'Follow up on your report',
    followUpLead: 'Enter the receipt code you were given when you sent your report.',
    receiptInput: 'Receipt code (20 digits)',
    check: 'Check my report',
    statusTitle: 'Your report',
    statusLabel: 'Status',
    outcomeLabel: 'Outcome',
    receivedLabel: 'Received on',
    messagesTitle: 'Messages',
    noMessages: 'No messages yet.',
    fromYou: 'You',
    fromTeam: 'Focal point',
    replyLabel: 'Write a message to the focal point',
    sendMessage: 'Send message',
    leaveNote: 'Nothing is saved on this device. Close this page when you are done.',
    unknownReceipt: 'No report matches this receipt code. Check the code and try again.',
    tooMany: 'Too many attempts. Please wait a few minutes and try again.',
    unavailable: 'Reports cannot be received at the moment. Please try again later.',
    failed: 'Something went wrong. Please try again later.',
    controlsTitle: 'Your choices',
    controlsLead: 'Each of these asks you to confirm first.',
    withdrawLabel: 'Withdraw my report',
    withdrawHelp: 'Everything you wrote and every message is destroyed for good: nobody, not even the focal points, can read it afterwards. This cannot be undone.',
    eraseContactLabel: 'Erase my contact details',
    eraseContactHelp: 'The contact details you gave are deleted. The focal point can then only reach you through this page.',
    declineMessagesLabel: 'Stop messages from the focal point',
    declineMessagesHelp: 'The focal point will no longer be able to write to you here. You can still write to them.',
    changeReceiptLabel: 'Change my receipt code',
    changeReceiptHelp: 'You get a new code, shown once, and the old code stops working at once. Do this if someone else may have seen your code.',
    confirmTitle: 'Please confirm',
    confirmYes: 'Yes, I am sure',
    confirmNo: 'No, go back',
    withdrawnTitle: 'Your report was withdrawn',
    withdrawnLead: 'Its content has been destroyed. This receipt code now only shows that the report was withdrawn.',
    contactErased: 'Your contact details were erased.',
    messagesDeclinedNote: 'You asked for no further messages: the focal point can no longer write to you.',
    newReceiptTitle: 'Your new receipt code',
    newReceiptLead: 'Your old code no longer works. Write this new code down now and keep it somewhere safe: it is shown only once.',
    evidenceLabel: 'Photo or document',
    evidenceHelp: 'You can add one JPEG or PNG photo or one PDF document, up to {mb} MB. Location, time and camera details are removed from photos before they are stored. Documents are kept as they are: their author or other details may stay inside.',
    notSentTitle: 'Nothing was sent',
    evidenceTooLarge: 'The file is too large: files up to {mb} MB can be sent. Nothing was sent or kept. Go back, choose a smaller file (or none), and send again.',
    evidenceType: 'This kind of file cannot be sent: only JPEG or PNG photos and PDF documents are accepted. Nothing was sent or kept. Go back, choose another file (or none), and send again.',
    evidenceUnreadable: 'The photo could not be read; it may be damaged. Nothing was sent or kept. Go back, choose another file (or none), and send again.',
    statuses: { received: 'Received', assessment: 'Being assessed', referred_for_investigation: 'Referred for investigation', closed: 'Closed', withdrawn: 'Withdrawn' },
    outcomes: {
      under_investigation: 'Under investigation',
      substantiated: 'Substantiated',
      unsubstantiated: 'Not substantiated',
      insufficient_information: 'Not enough information',
      referred_to_entity: 'Referred to the organisation concerned',
      withdrawn: 'Withdrawn',
    },
  },
  fr: {
    languageName: 'Français',
    siteName: 'Signalement confidentiel',
    safety:
      "Si vous êtes en danger maintenant, mettez-vous d'abord en sécurité. Utilisez un appareil de confiance et fermez cette page lorsque vous avez terminé.",
    required: 'obligatoire',
    optional: 'facultatif',
    send: 'Envoyer le signalement',
    followUpLink: 'Suivre un signalement',
    newReportLink: 'Faire un nouveau signalement',
    checkErrors: 'Veuillez vérifier les réponses signalées ci-dessous.',
    fieldRequired: 'Veuillez répondre à cette question.',
    fieldInvalid: 'Veuillez choisir une des réponses.',
    fieldTooLong: 'Ce texte est trop long.',
    receiptTitle: 'Votre signalement a été reçu',
    receiptLead: 'Merci. Un point focal examinera votre signalement.',
    receiptLabel: 'Votre code de reçu',
    receiptKeepSafe:
      "Notez ce code maintenant et gardez-le en lieu sûr. Il n'est affiché qu'une seule fois : personne ne peut l'afficher à nouveau ni le retrouver. Il vous permet de voir les réponses et d'y répondre. Ne le partagez pas.",
    followUpTitle: 'Suivre votre signalement',
    followUpLead: "Saisissez le code de reçu qui vous a été remis lors de l'envoi de votre signalement.",
    receiptInput: 'Code de reçu (20 chiffres)',
    check: 'Voir mon signalement',
    statusTitle: 'Votre signalement',
    statusLabel: 'Statut',
    outcomeLabel: 'Résultat',
    receivedLabel: 'Reçu le',
    messagesTitle: 'Messages',
    noMessages: "Pas encore de message.",
    fromYou: 'Vous',
    fromTeam: 'Point focal',
    replyLabel: 'Écrire un message au point focal',
    sendMessage: 'Envoyer le message',
    leaveNote: "Rien n'est enregistré sur cet appareil. Fermez cette page lorsque vous avez terminé.",
    unknownReceipt: 'Aucun signalement ne correspond à ce code de reçu. Vérifiez le code et réessayez.',
    tooMany: 'Trop de tentatives. Veuillez patienter quelques minutes et réessayer.',
    unavailable: 'Les signalements ne peuvent pas être reçus pour le moment. Veuillez réessayer plus tard.',
    failed: 'Une erreur est survenue. Veuillez réessayer plus tard.',
    controlsTitle: 'Vos choix',
    controlsLead: 'Chacune de ces actions vous demande d’abord de confirmer.',
    withdrawLabel: 'Retirer mon signalement',
    withdrawHelp: 'Tout ce que vous avez écrit et tous les messages sont détruits définitivement : personne, pas même les points focaux, ne pourra plus les lire. Cette action est irréversible.',
    eraseContactLabel: 'Effacer mes coordonnées',
    eraseContactHelp: 'Les coordonnées que vous avez données sont supprimées. Le point focal ne pourra alors vous joindre que par cette page.',
    declineMessagesLabel: 'Ne plus recevoir de messages du point focal',
    declineMessagesHelp: 'Le point focal ne pourra plus vous écrire ici. Vous pourrez toujours lui écrire.',
    changeReceiptLabel: 'Changer mon code de reçu',
    changeReceiptHelp: 'Vous recevez un nouveau code, affiché une seule fois, et l’ancien cesse immédiatement de fonctionner. Faites-le si quelqu’un a pu voir votre code.',
    confirmTitle: 'Veuillez confirmer',
    confirmYes: 'Oui, je suis sûr(e)',
    confirmNo: 'Non, revenir',
    withdrawnTitle: 'Votre signalement a été retiré',
    withdrawnLead: 'Son contenu a été détruit. Ce code de reçu indique seulement que le signalement a été retiré.',
    contactErased: 'Vos coordonnées ont été effacées.',
    messagesDeclinedNote: 'Vous avez demandé à ne plus recevoir de messages : le point focal ne peut plus vous écrire.',
    newReceiptTitle: 'Votre nouveau code de reçu',
    newReceiptLead: 'Votre ancien code ne fonctionne plus. Notez ce nouveau code maintenant et gardez-le en lieu sûr : il n’est affiché qu’une seule fois.',
    evidenceLabel: 'Photo ou document',
    evidenceHelp: 'Vous pouvez ajouter une photo JPEG ou PNG ou un document PDF, jusqu’à {mb} Mo. Le lieu, l’heure et les détails de l’appareil sont retirés des photos avant leur enregistrement. Les documents sont gardés tels quels : leur auteur ou d’autres détails peuvent y rester.',
    notSentTitle: 'Rien n’a été envoyé',
    evidenceTooLarge: 'Le fichier est trop volumineux : jusqu’à {mb} Mo. Rien n’a été envoyé ni gardé. Revenez en arrière, choisissez un fichier plus petit (ou aucun) et envoyez à nouveau.',
    evidenceType: 'Ce type de fichier ne peut pas être envoyé : seules les photos JPEG ou PNG et les documents PDF sont acceptés. Rien n’a été envoyé ni gardé. Revenez en arrière, choisissez un autre fichier (ou aucun) et envoyez à nouveau.',
    evidenceUnreadable: 'La photo n’a pas pu être lue ; elle est peut-être endommagée. Rien n’a été envoyé ni gardé. Revenez en arrière, choisissez un autre fichier (ou aucun) et envoyez à nouveau.',
    statuses: { received: 'Reçu', assessment: 'En cours d’évaluation', referred_for_investigation: 'Transmis pour enquête', closed: 'Clos', withdrawn: 'Retiré' },
    outcomes: {
      under_investigation: 'Enquête en cours',
      substantiated: 'Fondé',
      unsubstantiated: 'Non fondé',
      insufficient_information: 'Informations insuffisantes',
      referred_to_entity: "Transmis à l'organisation concernée",
      withdrawn: 'Retiré',
    },
  },
  ar: {
    languageName: 'العربية',
    siteName: 'الإبلاغ السري',
    safety: 'إذا كنت في خطر الآن، فاذهب أولًا إلى مكان آمن. استخدم جهازًا تثق به، وأغلق هذه الصفحة عند الانتهاء.',
    required: 'إلزامي',
    optional: 'اختياري',
    send: 'إرسال البلاغ',
    followUpLink: 'متابعة بلاغ',
    newReportLink: 'تقديم بلاغ جديد',
    checkErrors: 'يرجى مراجعة الإجابات المشار إليها أدناه.',
    fieldRequired: 'يرجى الإجابة عن هذا السؤال.',
    fieldInvalid: 'يرجى اختيار إحدى الإجابات.',
    fieldTooLong: 'هذا النص طويل جدًا.',
    receiptTitle: 'تم استلام بلاغك',
    receiptLead: 'شكرًا لك. ستراجع جهة الاتصال المعنية بلاغك.',
    receiptLabel: 'رمز الإيصال الخاص بك',
    receiptKeepSafe:
      'اكتب هذا الرمز الآن واحتفظ به في مكان آمن. لا يُعرض إلا مرة واحدة: لا يمكن لأحد عرضه مرة أخرى أو استرجاعه. به يمكنك رؤية الردود والإجابة عليها. لا تشاركه مع أحد.',
    followUpTitle: 'متابعة بلاغك',
    followUpLead: 'أدخل رمز الإيصال الذي حصلت عليه عند إرسال بلاغك.',
    receiptInput: 'رمز الإيصال (20 رقمًا)',
    check: 'عرض بلاغي',
    statusTitle: 'بلاغك',
    statusLabel: 'الحالة',
    outcomeLabel: 'النتيجة',
    receivedLabel: 'تاريخ الاستلام',
    messagesTitle: 'الرسائل',
    noMessages: 'لا توجد رسائل بعد.',
    fromYou: 'أنت',
    fromTeam: 'جهة الاتصال',
    replyLabel: 'اكتب رسالة إلى جهة الاتصال',
    sendMessage: 'إرسال الرسالة',
    leaveNote: 'لا يُحفظ أي شيء على هذا الجهاز. أغلق هذه الصفحة عند الانتهاء.',
    unknownReceipt: 'لا يوجد بلاغ يطابق رمز الإيصال هذا. تحقق من الرمز وحاول مرة أخرى.',
    tooMany: 'محاولات كثيرة جدًا. يرجى الانتظار بضع دقائق ثم المحاولة مرة أخرى.',
    unavailable: 'لا يمكن استلام البلاغات في الوقت الحالي. يرجى المحاولة لاحقًا.',
    failed: 'حدث خطأ ما. يرجى المحاولة لاحقًا.',
    controlsTitle: 'خياراتك',
    controlsLead: 'يُطلب منك التأكيد أولًا قبل أي من هذه الإجراءات.',
    withdrawLabel: 'سحب بلاغي',
    withdrawHelp: 'يُتلف كل ما كتبته وكل الرسائل نهائيًا: لا يمكن لأحد، ولا حتى لجهات الاتصال، قراءتها بعد ذلك. لا يمكن التراجع عن ذلك.',
    eraseContactLabel: 'محو بيانات الاتصال الخاصة بي',
    eraseContactHelp: 'تُحذف بيانات الاتصال التي قدمتها. لن تتمكن جهة الاتصال بعدها من الوصول إليك إلا عبر هذه الصفحة.',
    declineMessagesLabel: 'إيقاف الرسائل من جهة الاتصال',
    declineMessagesHelp: 'لن تتمكن جهة الاتصال بعد الآن من مراسلتك هنا. يمكنك أنت الاستمرار في مراسلتها.',
    changeReceiptLabel: 'تغيير رمز الإيصال',
    changeReceiptHelp: 'تحصل على رمز جديد يُعرض مرة واحدة، ويتوقف الرمز القديم عن العمل فورًا. افعل ذلك إذا كان شخص آخر قد رأى رمزك.',
    confirmTitle: 'يرجى التأكيد',
    confirmYes: 'نعم، أنا متأكد',
    confirmNo: 'لا، العودة',
    withdrawnTitle: 'تم سحب بلاغك',
    withdrawnLead: 'تم إتلاف محتواه. رمز الإيصال هذا يُظهر الآن فقط أن البلاغ قد سُحب.',
    contactErased: 'تم محو بيانات الاتصال الخاصة بك.',
    messagesDeclinedNote: 'طلبت عدم تلقي رسائل أخرى: لم يعد بإمكان جهة الاتصال مراسلتك.',
    newReceiptTitle: 'رمز الإيصال الجديد',
    newReceiptLead: 'لم يعد رمزك القديم يعمل. اكتب هذا الرمز الجديد الآن واحتفظ به في مكان آمن: لا يُعرض إلا مرة واحدة.',
    evidenceLabel: 'صورة أو مستند',
    evidenceHelp: 'يمكنك إضافة صورة واحدة بصيغة JPEG أو PNG أو مستند PDF واحد، بحجم أقصاه {mb} ميغابايت. تُزال تفاصيل الموقع والوقت والجهاز من الصور قبل حفظها. تُحفظ المستندات كما هي: قد يبقى فيها اسم كاتبها أو تفاصيل أخرى.',
    notSentTitle: 'لم يُرسَل شيء',
    evidenceTooLarge: 'الملف كبير جدًا: الحد الأقصى {mb} ميغابايت. لم يُرسَل أو يُحفظ شيء. ارجع واختر ملفًا أصغر (أو لا ملف) ثم أرسل مجددًا.',
    evidenceType: 'لا يمكن إرسال هذا النوع من الملفات: تُقبل فقط صور JPEG أو PNG ومستندات PDF. لم يُرسَل أو يُحفظ شيء. ارجع واختر ملفًا آخر (أو لا ملف) ثم أرسل مجددًا.',
    evidenceUnreadable: 'تعذّرت قراءة الصورة؛ قد تكون تالفة. لم يُرسَل أو يُحفظ شيء. ارجع واختر ملفًا آخر (أو لا ملف) ثم أرسل مجددًا.',
    statuses: { received: 'تم الاستلام', assessment: 'قيد التقييم', referred_for_investigation: 'أُحيل للتحقيق', closed: 'مغلق', withdrawn: 'مسحوب' },
    outcomes: {
      under_investigation: 'قيد التحقيق',
      substantiated: 'ثبتت صحته',
      unsubstantiated: 'لم تثبت صحته',
      insufficient_information: 'معلومات غير كافية',
      referred_to_entity: 'أُحيل إلى الجهة المعنية',
      withdrawn: 'مسحوب',
    },
  },
  es: {
    languageName: 'Español',
    siteName: 'Denuncia confidencial',
    safety: 'Si está en peligro ahora, vaya primero a un lugar seguro. Use un dispositivo de confianza y cierre esta página cuando termine.',
    required: 'obligatorio',
    optional: 'opcional',
    send: 'Enviar denuncia',
    followUpLink: 'Dar seguimiento a una denuncia',
    newReportLink: 'Hacer una nueva denuncia',
    checkErrors: 'Revise las respuestas señaladas abajo.',
    fieldRequired: 'Por favor responda esta pregunta.',
    fieldInvalid: 'Por favor elija una de las respuestas.',
    fieldTooLong: 'Este texto es demasiado largo.',
    receiptTitle: 'Su denuncia fue recibida',
    receiptLead: 'Gracias. Un punto focal revisará su denuncia.',
    receiptLabel: 'Su código de recibo',
    receiptKeepSafe:
      'Anote este código ahora y guárdelo en un lugar seguro. Se muestra una sola vez: nadie puede mostrarlo de nuevo ni recuperarlo. Con él puede ver las respuestas y contestarlas. No lo comparta.',
    followUpTitle: 'Dar seguimiento a su denuncia',
    followUpLead: 'Introduzca el código de recibo que recibió al enviar su denuncia.',
    receiptInput: 'Código de recibo (20 dígitos)',
    check: 'Ver mi denuncia',
    statusTitle: 'Su denuncia',
    statusLabel: 'Estado',
    outcomeLabel: 'Resultado',
    receivedLabel: 'Recibida el',
    messagesTitle: 'Mensajes',
    noMessages: 'Todavía no hay mensajes.',
    fromYou: 'Usted',
    fromTeam: 'Punto focal',
    replyLabel: 'Escriba un mensaje al punto focal',
    sendMessage: 'Enviar mensaje',
    leaveNote: 'No se guarda nada en este dispositivo. Cierre esta página cuando termine.',
    unknownReceipt: 'Ninguna denuncia corresponde a este código de recibo. Revise el código e inténtelo de nuevo.',
    tooMany: 'Demasiados intentos. Espere unos minutos e inténtelo de nuevo.',
    unavailable: 'No se pueden recibir denuncias en este momento. Inténtelo más tarde.',
    failed: 'Algo salió mal. Inténtelo más tarde.',
    controlsTitle: 'Sus opciones',
    controlsLead: 'Cada una de estas acciones le pide confirmar primero.',
    withdrawLabel: 'Retirar mi denuncia',
    withdrawHelp: 'Todo lo que escribió y todos los mensajes se destruyen para siempre: nadie, ni siquiera los puntos focales, podrá leerlos después. No se puede deshacer.',
    eraseContactLabel: 'Borrar mis datos de contacto',
    eraseContactHelp: 'Se eliminan los datos de contacto que dio. El punto focal solo podrá comunicarse con usted a través de esta página.',
    declineMessagesLabel: 'No recibir más mensajes del punto focal',
    declineMessagesHelp: 'El punto focal ya no podrá escribirle aquí. Usted sí podrá seguir escribiéndole.',
    changeReceiptLabel: 'Cambiar mi código de recibo',
    changeReceiptHelp: 'Recibe un código nuevo, que se muestra una sola vez, y el anterior deja de funcionar de inmediato. Hágalo si alguien más pudo ver su código.',
    confirmTitle: 'Por favor confirme',
    confirmYes: 'Sí, estoy seguro/a',
    confirmNo: 'No, volver',
    withdrawnTitle: 'Su denuncia fue retirada',
    withdrawnLead: 'Su contenido fue destruido. Este código de recibo ahora solo indica que la denuncia fue retirada.',
    contactErased: 'Sus datos de contacto fueron borrados.',
    messagesDeclinedNote: 'Pidió no recibir más mensajes: el punto focal ya no puede escribirle.',
    newReceiptTitle: 'Su nuevo código de recibo',
    newReceiptLead: 'Su código anterior ya no funciona. Anote este código nuevo ahora y guárdelo en un lugar seguro: se muestra una sola vez.',
    evidenceLabel: 'Foto o documento',
    evidenceHelp: 'Puede añadir una foto JPEG o PNG o un documento PDF, de hasta {mb} MB. El lugar, la hora y los datos de la cámara se eliminan de las fotos antes de guardarlas. Los documentos se guardan tal como están: su autor u otros datos pueden quedar dentro.',
    notSentTitle: 'No se envió nada',
    evidenceTooLarge: 'El archivo es demasiado grande: se admiten hasta {mb} MB. No se envió ni se guardó nada. Vuelva atrás, elija un archivo más pequeño (o ninguno) y envíe de nuevo.',
    evidenceType: 'Este tipo de archivo no se puede enviar: solo se aceptan fotos JPEG o PNG y documentos PDF. No se envió ni se guardó nada. Vuelva atrás, elija otro archivo (o ninguno) y envíe de nuevo.',
    evidenceUnreadable: 'No se pudo leer la foto; puede estar dañada. No se envió ni se guardó nada. Vuelva atrás, elija otro archivo (o ninguno) y envíe de nuevo.',
    statuses: { received: 'Recibida', assessment: 'En evaluación', referred_for_investigation: 'Remitida para investigación', closed: 'Cerrada', withdrawn: 'Retirada' },
    outcomes: {
      under_investigation: 'En investigación',
      substantiated: 'Fundada',
      unsubstantiated: 'No fundada',
      insufficient_information: 'Información insuficiente',
      referred_to_entity: 'Remitida a la organización correspondiente',
      withdrawn: 'Retirada',
    },
  },
};
