import {
  SEA_CATEGORIES,
  SEA_DATE_BANDS,
  SEA_ENTITY_TYPES,
  SEA_VICTIM_AGE_BANDS,
  SEA_VICTIM_SEXES,
  SeaLanguage,
} from './sea-codes';

export interface QuestionOption {
  value: string;
  label: string;
}

export interface Question {
  name: 'category' | 'entityType' | 'complainantIsVictim' | 'victimSex' | 'victimAgeBand' | 'dateBand' | 'regionCode' | 'narrative' | 'contact' | 'wantsAssistance';
  type: 'choice' | 'boolean' | 'text';
  required: boolean;
  label: string;
  help?: string;
  options?: QuestionOption[];
  maxLength?: number;
}

export interface Questionnaire {
  lang: SeaLanguage;
  dir: 'ltr' | 'rtl';
  title: string;
  intro: string;
  questions: Question[];
}

export const NARRATIVE_MAX = 10000;
export const CONTACT_MAX = 500;
export const MESSAGE_MAX = 5000;

interface Texts {
  title: string;
  intro: string;
  yes: string;
  no: string;
  regionUnknown: string;
  category: [string, string, Record<(typeof SEA_CATEGORIES)[number], string>];
  entityType: [string, Record<(typeof SEA_ENTITY_TYPES)[number], string>];
  complainantIsVictim: string;
  victimSex: [string, Record<(typeof SEA_VICTIM_SEXES)[number], string>];
  victimAgeBand: [string, Record<(typeof SEA_VICTIM_AGE_BANDS)[number], string>];
  dateBand: [string, Record<(typeof SEA_DATE_BANDS)[number], string>];
  regionCode: string;
  narrative: [string, string];
  contact: [string, string];
  wantsAssistance: [string, string];
}

const TEXTS: Record<SeaLanguage, Texts> = {
  en: {
    title: 'Report sexual exploitation or abuse',
    intro:
      'You can report anonymously. You do not need an account and we do not record who you are, your address or when exactly you wrote. After sending you get a receipt code: keep it safe, it is the only way to follow your report.',
    yes: 'Yes',
    no: 'No',
    regionUnknown: 'I do not know / prefer not to say',
    category: [
      'What happened?',
      'Choose the closest description; the team will review it.',
      {
        sexual_exploitation: 'Sexual exploitation: someone used their position or aid (food, money, jobs, documents) to obtain sex',
        sexual_abuse: 'Sexual abuse: sexual touching or violence, by force or under pressure',
        unknown: 'I am not sure',
      },
    ],
    entityType: [
      'Who is the person you are reporting?',
      {
        peacekeeping: 'A peacekeeper (military, police or civilian)',
        un_agency_fund_programme: 'Staff of a UN agency, fund or programme',
        implementing_partner: 'Staff of an organisation working with the UN (partner)',
        non_un_force: 'A member of another international force',
        other: 'Someone else working in aid',
        unknown: 'I do not know',
      },
    ],
    complainantIsVictim: 'Did this happen to you?',
    victimSex: ['Sex of the person it happened to', { female: 'Female', male: 'Male', other: 'Other', unknown: 'Do not know / prefer not to say' }],
    victimAgeBand: [
      'Age of the person it happened to, at the time',
      { '0_11': 'Under 12', '12_17': '12 to 17', '18_25': '18 to 25', '26_40': '26 to 40', '41_60': '41 to 60', '61_plus': '61 or older', unknown: 'Do not know' },
    ],
    dateBand: [
      'When did it happen?',
      {
        last_month: 'In the last month',
        one_to_six_months: '1 to 6 months ago',
        six_to_twelve_months: '6 to 12 months ago',
        over_a_year: 'More than a year ago',
        unknown: 'I do not know',
      },
    ],
    regionCode: 'Where did it happen?',
    narrative: ['Tell us what happened', 'Write only what you feel safe sharing. You do not have to give your name.'],
    contact: ['How can we contact you safely? (optional)', 'Leave this empty to stay anonymous. You can always follow up with your receipt code.'],
    wantsAssistance: [
      'Would the person it happened to like help?',
      'For example medical care, someone to talk to, legal advice or a safe place. Nothing is shared without their agreement.',
    ],
  },
  fr: {
    title: 'Signaler une exploitation ou un abus sexuels',
    intro:
      "Vous pouvez faire un signalement anonyme. Aucun compte n'est nécessaire et nous n'enregistrons ni votre identité, ni votre adresse, ni l'heure exacte de votre envoi. Après l'envoi, vous recevez un code de reçu : gardez-le en lieu sûr, c'est le seul moyen de suivre votre signalement.",
    yes: 'Oui',
    no: 'Non',
    regionUnknown: 'Je ne sais pas / je préfère ne pas le dire',
    category: [
      "Que s'est-il passé ?",
      "Choisissez la description la plus proche ; l'équipe l'examinera.",
      {
        sexual_exploitation:
          "Exploitation sexuelle : quelqu'un a utilisé sa position ou l'aide (nourriture, argent, emploi, documents) pour obtenir des relations sexuelles",
        sexual_abuse: 'Abus sexuel : attouchements ou violence de nature sexuelle, par la force ou sous la contrainte',
        unknown: 'Je ne suis pas sûr(e)',
      },
    ],
    entityType: [
      'Qui est la personne que vous signalez ?',
      {
        peacekeeping: 'Un casque bleu (militaire, policier ou civil)',
        un_agency_fund_programme: "Un membre du personnel d'une agence, d'un fonds ou d'un programme des Nations Unies",
        implementing_partner: "Un membre du personnel d'une organisation partenaire des Nations Unies",
        non_un_force: "Un membre d'une autre force internationale",
        other: "Une autre personne travaillant dans l'aide",
        unknown: 'Je ne sais pas',
      },
    ],
    complainantIsVictim: 'Cela vous est-il arrivé à vous ?',
    victimSex: [
      'Sexe de la personne concernée',
      { female: 'Féminin', male: 'Masculin', other: 'Autre', unknown: 'Je ne sais pas / je préfère ne pas le dire' },
    ],
    victimAgeBand: [
      'Âge de la personne concernée au moment des faits',
      { '0_11': 'Moins de 12 ans', '12_17': '12 à 17 ans', '18_25': '18 à 25 ans', '26_40': '26 à 40 ans', '41_60': '41 à 60 ans', '61_plus': '61 ans ou plus', unknown: 'Je ne sais pas' },
    ],
    dateBand: [
      'Quand cela s’est-il passé ?',
      {
        last_month: 'Au cours du dernier mois',
        one_to_six_months: 'Il y a 1 à 6 mois',
        six_to_twelve_months: 'Il y a 6 à 12 mois',
        over_a_year: "Il y a plus d'un an",
        unknown: 'Je ne sais pas',
      },
    ],
    regionCode: 'Où cela s’est-il passé ?',
    narrative: ["Racontez-nous ce qui s'est passé", "N'écrivez que ce que vous vous sentez en sécurité de partager. Vous n'êtes pas obligé(e) de donner votre nom."],
    contact: [
      'Comment pouvons-nous vous contacter en toute sécurité ? (facultatif)',
      'Laissez vide pour rester anonyme. Vous pourrez toujours suivre votre signalement avec votre code de reçu.',
    ],
    wantsAssistance: [
      "La personne concernée souhaite-t-elle de l'aide ?",
      "Par exemple des soins médicaux, une écoute, un conseil juridique ou un lieu sûr. Rien n'est partagé sans son accord.",
    ],
  },
  ar: {
    title: 'الإبلاغ عن الاستغلال أو الاعتداء الجنسي',
    intro:
      'يمكنك الإبلاغ دون الكشف عن هويتك. لا تحتاج إلى حساب، ولا نسجّل من أنت ولا عنوانك ولا الوقت الدقيق لكتابتك. بعد الإرسال تحصل على رمز إيصال: احتفظ به في مكان آمن، فهو الطريقة الوحيدة لمتابعة بلاغك.',
    yes: 'نعم',
    no: 'لا',
    regionUnknown: 'لا أعرف / أفضّل عدم القول',
    category: [
      'ماذا حدث؟',
      'اختر الوصف الأقرب؛ سيراجعه الفريق.',
      {
        sexual_exploitation: 'استغلال جنسي: استخدم شخص منصبه أو المساعدات (طعام، مال، عمل، وثائق) للحصول على علاقة جنسية',
        sexual_abuse: 'اعتداء جنسي: لمس أو عنف ذو طابع جنسي بالقوة أو تحت الضغط',
        unknown: 'لست متأكدًا',
      },
    ],
    entityType: [
      'من هو الشخص الذي تبلّغ عنه؟',
      {
        peacekeeping: 'فرد من قوات حفظ السلام (عسكري أو شرطي أو مدني)',
        un_agency_fund_programme: 'موظف في وكالة أو صندوق أو برنامج تابع للأمم المتحدة',
        implementing_partner: 'موظف في منظمة شريكة للأمم المتحدة',
        non_un_force: 'فرد من قوة دولية أخرى',
        other: 'شخص آخر يعمل في المجال الإنساني',
        unknown: 'لا أعرف',
      },
    ],
    complainantIsVictim: 'هل حدث هذا لك أنت؟',
    victimSex: ['جنس الشخص الذي حدث له ذلك', { female: 'أنثى', male: 'ذكر', other: 'آخر', unknown: 'لا أعرف / أفضّل عدم القول' }],
    victimAgeBand: [
      'عمر الشخص الذي حدث له ذلك وقت الحادثة',
      { '0_11': 'أقل من 12 سنة', '12_17': 'من 12 إلى 17', '18_25': 'من 18 إلى 25', '26_40': 'من 26 إلى 40', '41_60': 'من 41 إلى 60', '61_plus': '61 سنة أو أكثر', unknown: 'لا أعرف' },
    ],
    dateBand: [
      'متى حدث ذلك؟',
      {
        last_month: 'خلال الشهر الماضي',
        one_to_six_months: 'منذ شهر إلى ستة أشهر',
        six_to_twelve_months: 'منذ ستة إلى اثني عشر شهرًا',
        over_a_year: 'منذ أكثر من سنة',
        unknown: 'لا أعرف',
      },
    ],
    regionCode: 'أين حدث ذلك؟',
    narrative: ['أخبرنا بما حدث', 'اكتب فقط ما تشعر بالأمان في مشاركته. لست مضطرًا لذكر اسمك.'],
    contact: ['كيف يمكننا التواصل معك بأمان؟ (اختياري)', 'اترك هذا الحقل فارغًا لتبقى مجهول الهوية. يمكنك دائمًا المتابعة برمز الإيصال.'],
    wantsAssistance: [
      'هل يرغب الشخص الذي حدث له ذلك في الحصول على مساعدة؟',
      'مثل الرعاية الطبية أو الدعم النفسي أو المشورة القانونية أو مكان آمن. لا يُشارك أي شيء دون موافقته.',
    ],
  },
  es: {
    title: 'Denunciar explotación o abuso sexual',
    intro:
      'Puede denunciar de forma anónima. No necesita una cuenta y no registramos quién es usted, su dirección ni la hora exacta en que escribió. Al enviar recibirá un código de recibo: guárdelo en un lugar seguro, es la única forma de dar seguimiento a su denuncia.',
    yes: 'Sí',
    no: 'No',
    regionUnknown: 'No lo sé / prefiero no decirlo',
    category: [
      '¿Qué pasó?',
      'Elija la descripción más cercana; el equipo la revisará.',
      {
        sexual_exploitation: 'Explotación sexual: alguien usó su posición o la ayuda (comida, dinero, trabajo, documentos) para obtener sexo',
        sexual_abuse: 'Abuso sexual: tocamientos o violencia de tipo sexual, por la fuerza o bajo presión',
        unknown: 'No estoy seguro/a',
      },
    ],
    entityType: [
      '¿Quién es la persona que denuncia?',
      {
        peacekeeping: 'Personal de mantenimiento de la paz (militar, policía o civil)',
        un_agency_fund_programme: 'Personal de una agencia, fondo o programa de la ONU',
        implementing_partner: 'Personal de una organización que trabaja con la ONU (socio)',
        non_un_force: 'Un miembro de otra fuerza internacional',
        other: 'Otra persona que trabaja en la ayuda humanitaria',
        unknown: 'No lo sé',
      },
    ],
    complainantIsVictim: '¿Le pasó esto a usted?',
    victimSex: ['Sexo de la persona afectada', { female: 'Femenino', male: 'Masculino', other: 'Otro', unknown: 'No lo sé / prefiero no decirlo' }],
    victimAgeBand: [
      'Edad de la persona afectada en ese momento',
      { '0_11': 'Menos de 12', '12_17': '12 a 17', '18_25': '18 a 25', '26_40': '26 a 40', '41_60': '41 a 60', '61_plus': '61 o más', unknown: 'No lo sé' },
    ],
    dateBand: [
      '¿Cuándo pasó?',
      {
        last_month: 'En el último mes',
        one_to_six_months: 'Hace 1 a 6 meses',
        six_to_twelve_months: 'Hace 6 a 12 meses',
        over_a_year: 'Hace más de un año',
        unknown: 'No lo sé',
      },
    ],
    regionCode: '¿Dónde pasó?',
    narrative: ['Cuéntenos qué pasó', 'Escriba solo lo que se sienta seguro/a de compartir. No tiene que dar su nombre.'],
    contact: ['¿Cómo podemos contactarle de forma segura? (opcional)', 'Déjelo vacío para seguir en el anonimato. Siempre podrá dar seguimiento con su código de recibo.'],
    wantsAssistance: [
      '¿Desea ayuda la persona afectada?',
      'Por ejemplo atención médica, apoyo psicológico, asesoría legal o un lugar seguro. No se comparte nada sin su consentimiento.',
    ],
  },
};

const options = <K extends string>(values: readonly K[], labels: Record<K, string>): QuestionOption[] =>
  values.map((value) => ({ value, label: labels[value] }));

/**
 * The intake questionnaire in one language. Region options are the deployment's region codes
 * (from the agencies); the empty value means unknown.
 */
export function questionnaire(lang: SeaLanguage, regionCodes: readonly string[]): Questionnaire {
  const t = TEXTS[lang];
  const yesNo = [
    { value: 'true', label: t.yes },
    { value: 'false', label: t.no },
  ];
  return {
    lang,
    dir: lang === 'ar' ? 'rtl' : 'ltr',
    title: t.title,
    intro: t.intro,
    questions: [
      { name: 'category', type: 'choice', required: true, label: t.category[0], help: t.category[1], options: options(SEA_CATEGORIES, t.category[2]) },
      { name: 'entityType', type: 'choice', required: true, label: t.entityType[0], options: options(SEA_ENTITY_TYPES, t.entityType[1]) },
      { name: 'complainantIsVictim', type: 'boolean', required: true, label: t.complainantIsVictim, options: yesNo },
      { name: 'victimSex', type: 'choice', required: true, label: t.victimSex[0], options: options(SEA_VICTIM_SEXES, t.victimSex[1]) },
      { name: 'victimAgeBand', type: 'choice', required: true, label: t.victimAgeBand[0], options: options(SEA_VICTIM_AGE_BANDS, t.victimAgeBand[1]) },
      { name: 'dateBand', type: 'choice', required: true, label: t.dateBand[0], options: options(SEA_DATE_BANDS, t.dateBand[1]) },
      {
        name: 'regionCode',
        type: 'choice',
        required: false,
        label: t.regionCode,
        options: [{ value: '', label: t.regionUnknown }, ...regionCodes.map((code) => ({ value: code, label: code }))],
      },
      { name: 'narrative', type: 'text', required: true, label: t.narrative[0], help: t.narrative[1], maxLength: NARRATIVE_MAX },
      { name: 'contact', type: 'text', required: false, label: t.contact[0], help: t.contact[1], maxLength: CONTACT_MAX },
      { name: 'wantsAssistance', type: 'boolean', required: true, label: t.wantsAssistance[0], help: t.wantsAssistance[1], options: yesNo },
    ],
  };
}
