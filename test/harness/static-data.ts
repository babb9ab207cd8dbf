/**
 * A workflow's static data as n8n's database keeps it: one JSON value per workflow, loaded into
 * every Workflow n8n builds and written back whole. What survives a "restart" of the harness is
 * what was saved here; what a Workflow object still holds in memory is not.
 *
 * When n8n 2.41 saves (WorkflowStaticDataService.saveStaticData, only if the Workflow's
 * `staticData.__dataChanged` is set; n8n-workflow's ObservableObject sets it when a property is
 * set through the proxy):
 * - a production webhook call (live-webhooks.ts), when webhook-helpers calls back with the
 *   answer: a node that answers itself (`noWebhookResponse`) or returns no `workflowData` is
 *   saved at once; an onReceived answer comes after WorkflowRunner.run, which has wrapped the
 *   same static data in a new Workflow (establishContextForPersistence) and so cleared the flag:
 *   not saved. (n8n 1.123 answers first, so it saves there too.) Test URL calls: never saved.
 * - an execution, at its end (workflowExecuteAfter), when its own copy changed; not in manual mode.
 * - an activated trigger: its Workflow lives as long as the activation; saved after activation
 *   and whenever the trigger emits, whole, over whatever other copies saved meanwhile.
 */
import { jsonParse, type IDataObject, type Workflow } from 'n8n-workflow';

export class StaticDataStore {
	private json = '{}';
	private held: Array<() => void> | undefined;

	/** A fresh copy, as n8n reads it from the database for a new Workflow. */
	load(): IDataObject {
		return jsonParse<IDataObject>(this.json);
	}

	/** Writes a Workflow's static data back if it changed, as saveStaticData does; true when it wrote. */
	saveIfChanged(workflow: Workflow): boolean {
		if (workflow.staticData.__dataChanged !== true) return false;
		workflow.staticData.__dataChanged = false;
		if (this.held) this.held.push(() => this.save(workflow.staticData));
		else this.save(workflow.staticData);
		return true;
	}

	/**
	 * Holds the saves of calls until releaseHeld(): n8n writes a call's static data after the call
	 * answered, serialized when the write runs, and under load those writes land in any order.
	 */
	holdSaves(): void {
		this.held = [];
	}

	/** Runs the held saves, the last held first (the order in which they hurt most); holds no more. */
	releaseHeld(): number {
		const held = this.held ?? [];
		this.held = undefined;
		for (const save of [...held].reverse()) save();
		return held.length;
	}

	/** Writes static data back whole (what the end of an execution hands over). */
	save(staticData: IDataObject): void {
		this.json = JSON.stringify(staticData);
	}

	/** What is stored now, for assertions. */
	read(): IDataObject {
		return this.load();
	}
}
