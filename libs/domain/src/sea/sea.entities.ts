import { SeaAssistanceRequest } from './sea-assistance-request.entity';
import { SeaAuditDay } from './sea-audit-day.entity';
import { SeaComplaintAttachment, SeaComplaintAttachmentChunk } from './sea-complaint-attachment.entity';
import { SeaComplaintGrant } from './sea-complaint-grant.entity';
import { SeaComplaintMessage } from './sea-complaint-message.entity';
import { SeaComplaintNote } from './sea-complaint-note.entity';
import { SeaComplaintVictim } from './sea-complaint-victim.entity';
import { SeaEntityReferral } from './sea-entity-referral.entity';
import { SeaInvestigatingEntity } from './sea-investigating-entity.entity';
import { SeaComplaint } from './sea-complaint.entity';
import { SeaFocalPointKey } from './sea-focal-point-key.entity';
import { SeaKeyEndorsement } from './sea-key-endorsement.entity';
import { SeaSessionKey } from './sea-session-key.entity';
import { SeaWithdrawnReceipt } from './sea-withdrawn-receipt.entity';

/** SEA tables: SeaModule registers them, the app's data source receives them. */
export const SEA_ENTITIES: Function[] = [
  SeaComplaint,
  SeaComplaintGrant,
  SeaComplaintMessage,
  SeaComplaintNote,
  SeaFocalPointKey,
  SeaKeyEndorsement,
  SeaSessionKey,
  SeaAssistanceRequest,
  SeaAuditDay,
  SeaInvestigatingEntity,
  SeaEntityReferral,
  SeaComplaintVictim,
  SeaWithdrawnReceipt,
  SeaComplaintAttachment,
  SeaComplaintAttachmentChunk,
];
