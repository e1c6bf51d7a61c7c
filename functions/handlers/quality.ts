// Quality: IQ templates, a batch's inspection plan and its inspections (rules: shared/quality.ts,
// shared/sampling.ts; how a planner reads a plan: docs/quality.md).
import { NotFoundError, PreconditionFailedError } from '../../shared/errors.js';
import {
  applyIqTemplatePatch,
  IQ_TEMPLATE_CODE,
  inspectBatch,
  type IqTemplateRecord,
  parseInspection,
  parseIqTemplateCreate,
  parseIqTemplatePatch,
  planForBatch,
  requireOrderTemplate,
} from '../../shared/quality.js';
import { answerWith } from '../http/middleware.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { QualityStore } from '../store/quality.js';
import type { Store } from '../store/store.js';
import { found, ifMatchVersion, now, pageQuery, preconditionFailedOnConflict, requireId, resource } from './common.js';

export function qualityHandlers(store: Store) {
  const quality = new QualityStore(store);
  const templateCode = (req: ApiRequest) => {
    const code = req.params.code;
    if (!IQ_TEMPLATE_CODE.test(code)) throw new NotFoundError('IQ template', code);
    return code;
  };
  const load = async (code: string) => found(await quality.getTemplate(code), 'IQ template', code);
  const batchPath = (req: ApiRequest) => ({
    orderId: requireId('ProductionOrder', req.params.id, 'Production order'),
    batchId: requireId('ProductionBatch', req.params.batchId, 'Production batch'),
  });

  return {
    /** 1 round trip (a code already taken: 409 IQ_TEMPLATE_EXISTS). */
    async createIqTemplate(req: ApiRequest): Promise<ApiResponse> {
      const input = parseIqTemplateCreate(req.body);
      const at = now();
      const template: IqTemplateRecord = {
        ...input,
        version: 1,
        createdAt: at,
        createdBy: req.actor.id,
        updatedAt: at,
        updatedBy: req.actor.id,
      };
      const answer = answerWith(
        resource(201, template, { location: `/v1/iq-templates/${encodeURIComponent(template.code)}` }),
      );
      await quality.createTemplate(template);
      return answer;
    },

    async listIqTemplates(req: ApiRequest): Promise<ApiResponse> {
      return { status: 200, body: await quality.listTemplates(pageQuery(req.query)) };
    },

    async getIqTemplate(req: ApiRequest): Promise<ApiResponse> {
      return resource(200, await load(templateCode(req)));
    },

    /** 2 round trips: read, conditional write. Past inspections keep the plan they were judged by. */
    async patchIqTemplate(req: ApiRequest): Promise<ApiResponse> {
      const base = ifMatchVersion(req.headers);
      const code = templateCode(req);
      const patch = parseIqTemplatePatch(req.body);
      const current = await load(code);
      if (current.version !== base) throw new PreconditionFailedError(current);
      const at = now();
      const next: IqTemplateRecord = {
        ...current,
        ...applyIqTemplatePatch(current, patch),
        version: current.version + 1,
        updatedAt: at,
        updatedBy: req.actor.id,
      };
      await quality.saveTemplate(next, base).catch(preconditionFailedOnConflict);
      return resource(200, next);
    },

    /** 2 round trips: the order and the batch, then the order's template. */
    async getInspectionPlan(req: ApiRequest): Promise<ApiResponse> {
      const { orderId, batchId } = batchPath(req);
      const { order, batch, template } = await quality.getBatchWithTemplate(orderId, batchId);
      return { status: 200, body: planForBatch(requireOrderTemplate(order, template), batch) };
    },

    /** 3 round trips: the order and the batch, the template, one transaction. */
    async createInspection(req: ApiRequest): Promise<ApiResponse> {
      const input = parseInspection(req.body);
      const { orderId, batchId } = batchPath(req);
      let answer!: ApiResponse;
      await quality.recordInspection(orderId, batchId, ({ order, batch, template }) => {
        const change = inspectBatch(order, batch, requireOrderTemplate(order, template), input, req.actor, now());
        answer = answerWith({
          status: 201,
          body: change.record,
          headers: { location: `/v1/production-orders/${orderId}/batches/${batchId}/inspections` },
        });
        return change;
      });
      return answer;
    },

    /** 1 round trip per page, oldest first. */
    async listInspections(req: ApiRequest): Promise<ApiResponse> {
      const { orderId, batchId } = batchPath(req);
      return { status: 200, body: await quality.listInspections(orderId, batchId, pageQuery(req.query)) };
    },
  };
}
