import {
  ConfirmDraftLineInput,
  DraftInput,
  EditDraftLineInput,
  EditDraftTermsInput,
  OpenDraftInput,
  SubmitDraftInput,
} from '../../shared/schemas/partnerships';
import { publishDraft, publishOrder, publishPartnership } from '../realtime/publish';
import { assertDraftParticipant, confirmDraftLine, draftView, editDraftLine, editDraftTerms, openDraft, submitDraft } from '../services/drafts';
import { dashboardContext } from '../realtime/dashboards';
import { draftAllocationProposal } from '../services/allocation';
import { assertLead } from '../services/partnerships';
import { authedProcedure, costly, router } from '../trpc';

/** Joint bids drafted live by a partnership; every write carries the draft's version. */
export const draftsRouter = router({
  open: authedProcedure.input(OpenDraftInput).mutation(({ ctx, input }) => {
    const bidId = openDraft(ctx.db, ctx.user, input.partnershipId, input.orderId);
    publishPartnership(ctx.bus, { partnershipId: input.partnershipId, kind: 'draft_opened' });
    publishDraft(ctx.bus, ctx.db, bidId);
    return draftView(ctx.db, bidId);
  }),

  get: authedProcedure.input(DraftInput).query(({ ctx, input }) => {
    assertDraftParticipant(ctx.db, ctx.user, input.bidId);
    return draftView(ctx.db, input.bidId);
  }),

  /** For the lead: the split among member places that consolidates the most members. */
  recommend: authedProcedure.use(costly).input(DraftInput).query(({ ctx, input }) => {
    const { partnership } = assertDraftParticipant(ctx.db, ctx.user, input.bidId);
    assertLead(ctx.user, partnership);
    return draftAllocationProposal(ctx.db, input.bidId, ctx.config.ratio);
  }),

  editLine: authedProcedure.input(EditDraftLineInput).mutation(({ ctx, input }) => {
    editDraftLine(ctx.db, ctx.user, input);
    publishDraft(ctx.bus, ctx.db, input.bidId);
    return draftView(ctx.db, input.bidId);
  }),

  confirmLine: authedProcedure.input(ConfirmDraftLineInput).mutation(({ ctx, input }) => {
    confirmDraftLine(ctx.db, ctx.user, input);
    publishDraft(ctx.bus, ctx.db, input.bidId);
    return draftView(ctx.db, input.bidId);
  }),

  editTerms: authedProcedure.input(EditDraftTermsInput).mutation(({ ctx, input }) => {
    editDraftTerms(ctx.db, ctx.user, input);
    publishDraft(ctx.bus, ctx.db, input.bidId);
    return draftView(ctx.db, input.bidId);
  }),

  /** The lead submits once every line is confirmed: the bid is then sealed like any other. */
  submit: authedProcedure.input(SubmitDraftInput).mutation(({ ctx, input }) => {
    const { orderId, partnershipId } = submitDraft(ctx.db, ctx.user, input);
    publishDraft(ctx.bus, ctx.db, input.bidId);
    publishPartnership(ctx.bus, { partnershipId, kind: 'bid_submitted' });
    publishOrder(dashboardContext(ctx), orderId);
    return draftView(ctx.db, input.bidId);
  }),
});
