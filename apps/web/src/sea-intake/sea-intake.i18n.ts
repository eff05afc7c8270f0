/**
 * Console texts of assisted SEA intake, spread into each catalogue (apps/web/src/i18n) under
 * `seaIntake`. The questions themselves come from the complainants' questionnaire
 * (@amani/domain/sea), in the same four languages, so a focal point can read them out.
 */
export const enSeaIntake = {
  seaIntake: {
    nav: 'Enter a complaint',
    title: 'Enter a complaint for someone',
    lead: 'For a complaint received by hotline, on a paper form, through a community focal point or in person. It is sealed exactly like one sent on the reporting page: once saved, only the focal points can read it, and the complainant follows it up with the receipt code on the slip.',
    intakeTitle: 'How it was received',
    channel: 'Channel',
    channels: { hotline: 'Hotline', paper: 'Paper form', community_focal_point: 'Community focal point', in_person: 'In person' },
    language: 'Language the complainant wants replies in',
    questionsTitle: 'The complaint (read the questions to the complainant)',
    submit: 'Save and show the receipt slip',
    saved: 'Complaint saved. Give the slip to the complainant; the form below is ready for the next one.',
    slipTitle: 'Receipt slip',
    slipReceipt: 'Receipt code',
    slipKeep: 'Keep this code somewhere safe and do not share it. It is shown only this once: nobody can show it again or recover it.',
    slipFollowUp: 'To follow up, open the confidential reporting page, choose “Follow up on a report” and enter this code. With it you can read replies, answer them, change the code or withdraw the complaint.',
    slipPrint: 'Print this page with the browser’s print command: only the slip is printed. Then close the page.',
    nextTitle: 'Next complaint',
  },
};

export const frSeaIntake: typeof enSeaIntake = {
  seaIntake: {
    nav: 'Saisir une plainte',
    title: 'Saisir une plainte pour quelqu’un',
    lead: 'Pour une plainte reçue par ligne d’écoute, sur formulaire papier, par un point focal communautaire ou en personne. Elle est scellée exactement comme une plainte envoyée sur la page de signalement : une fois enregistrée, seuls les points focaux peuvent la lire, et la personne la suit avec le code de reçu du bordereau.',
    intakeTitle: 'Mode de réception',
    channel: 'Canal',
    channels: { hotline: 'Ligne d’écoute', paper: 'Formulaire papier', community_focal_point: 'Point focal communautaire', in_person: 'En personne' },
    language: 'Langue dans laquelle la personne souhaite les réponses',
    questionsTitle: 'La plainte (lisez les questions à la personne)',
    submit: 'Enregistrer et afficher le bordereau',
    saved: 'Plainte enregistrée. Remettez le bordereau à la personne ; le formulaire ci-dessous est prêt pour la suivante.',
    slipTitle: 'Bordereau de reçu',
    slipReceipt: 'Code de reçu',
    slipKeep: 'Gardez ce code en lieu sûr et ne le partagez pas. Il n’est affiché qu’une seule fois : personne ne peut l’afficher à nouveau ni le retrouver.',
    slipFollowUp: 'Pour suivre la plainte, ouvrez la page de signalement confidentiel, choisissez « Suivre un signalement » et saisissez ce code. Il permet de lire les réponses, d’y répondre, de changer le code ou de retirer la plainte.',
    slipPrint: 'Imprimez cette page avec la commande d’impression du navigateur : seul le bordereau est imprimé. Fermez ensuite la page.',
    nextTitle: 'Plainte suivante',
  },
};

export const arSeaIntake: typeof enSeaIntake = {
  seaIntake: {
    nav: 'إدخال شكوى',
    title: 'إدخال شكوى نيابة عن شخص',
    lead: 'لشكوى وردت عبر الخط الساخن أو على استمارة ورقية أو عن طريق جهة اتصال مجتمعية أو شخصيًا. تُختم تمامًا مثل الشكوى المرسلة من صفحة الإبلاغ: بعد حفظها لا يستطيع قراءتها إلا جهات الاتصال، ويتابعها صاحبها برمز الإيصال المدوّن على القسيمة.',
    intakeTitle: 'طريقة الاستلام',
    channel: 'القناة',
    channels: { hotline: 'الخط الساخن', paper: 'استمارة ورقية', community_focal_point: 'جهة اتصال مجتمعية', in_person: 'شخصيًا' },
    language: 'اللغة التي يريد صاحب الشكوى تلقي الردود بها',
    questionsTitle: 'الشكوى (اقرأ الأسئلة على صاحب الشكوى)',
    submit: 'حفظ وعرض قسيمة الإيصال',
    saved: 'تم حفظ الشكوى. سلّم القسيمة لصاحب الشكوى؛ الاستمارة أدناه جاهزة للشكوى التالية.',
    slipTitle: 'قسيمة الإيصال',
    slipReceipt: 'رمز الإيصال',
    slipKeep: 'احتفظ بهذا الرمز في مكان آمن ولا تشاركه. لا يُعرض إلا هذه المرة: لا يمكن لأحد عرضه مرة أخرى أو استرجاعه.',
    slipFollowUp: 'للمتابعة، افتح صفحة الإبلاغ السري واختر «متابعة بلاغ» وأدخل هذا الرمز. به يمكنك قراءة الردود والإجابة عليها وتغيير الرمز أو سحب الشكوى.',
    slipPrint: 'اطبع هذه الصفحة بأمر الطباعة في المتصفح: تُطبع القسيمة وحدها. ثم أغلق الصفحة.',
    nextTitle: 'الشكوى التالية',
  },
};

export const esSeaIntake: typeof enSeaIntake = {
  seaIntake: {
    nav: 'Registrar una queja',
    title: 'Registrar una queja en nombre de alguien',
    lead: 'Para una queja recibida por línea telefónica, en formulario de papel, por un punto focal comunitario o en persona. Se sella exactamente como una enviada en la página de denuncia: una vez guardada, solo los puntos focales pueden leerla, y la persona le da seguimiento con el código de recibo del comprobante.',
    intakeTitle: 'Cómo se recibió',
    channel: 'Canal',
    channels: { hotline: 'Línea telefónica', paper: 'Formulario de papel', community_focal_point: 'Punto focal comunitario', in_person: 'En persona' },
    language: 'Idioma en que la persona quiere las respuestas',
    questionsTitle: 'La queja (lea las preguntas a la persona)',
    submit: 'Guardar y mostrar el comprobante',
    saved: 'Queja guardada. Entregue el comprobante a la persona; el formulario de abajo está listo para la siguiente.',
    slipTitle: 'Comprobante de recibo',
    slipReceipt: 'Código de recibo',
    slipKeep: 'Guarde este código en un lugar seguro y no lo comparta. Se muestra solo esta vez: nadie puede mostrarlo de nuevo ni recuperarlo.',
    slipFollowUp: 'Para dar seguimiento, abra la página de denuncia confidencial, elija «Dar seguimiento a una denuncia» e introduzca este código. Con él puede leer las respuestas, contestarlas, cambiar el código o retirar la queja.',
    slipPrint: 'Imprima esta página con el comando de impresión del navegador: solo se imprime el comprobante. Después cierre la página.',
    nextTitle: 'Siguiente queja',
  },
};
