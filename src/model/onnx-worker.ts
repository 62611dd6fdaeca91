// Must run before onnxruntime-node loads: it turns off the library's telemetry files (see ort-env.ts).
import "./ort-env.js";
import { parentPort, workerData } from "node:worker_threads";
import type * as ort from "onnxruntime-node";
import {
  createSession,
  inputInfo,
  outputWidths,
  runSession,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from "./onnx.js";

/**
 * One onnxruntime session on its own thread (see openSession's `thread` option): `run()` blocks the thread it is
 * called on for the whole batch, so on the main thread it stalls every decode, hash and file read in between.
 * Here it blocks only this thread; the main one keeps feeding libvips. Messages: WorkerRequest in, WorkerReply out.
 */
const port = parentPort!;
const setup = workerData as WorkerSetup;
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

let session: ort.InferenceSession | null = null;
try {
  const opened = await createSession(setup.path, setup.device, setup.intraOpThreads);
  session = opened.session;
  post({
    type: "ready",
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    inputs: inputInfo(session),
    widths: outputWidths(session),
    device: opened.device,
    fallback: opened.fallback,
  });
} catch (err) {
  post({ type: "failed", message: err instanceof Error ? err.message.split("\n")[0]! : String(err) });
  port.close();
}

port.on("message", async (req: WorkerRequest) => {
  if (!session) return;
  if (req.type === "release") {
    await session.release().catch(() => {});
    port.close();
    return;
  }
  try {
    const out = await runSession(session, req.feeds);
    const transfer: ArrayBuffer[] = [];
    for (const o of Object.values(out)) {
      // A copy of exactly the tensor's bytes, so that it can be moved to the main thread without a second copy.
      o.data = Float32Array.from(o.data);
      transfer.push(o.data.buffer as ArrayBuffer);
    }
    post({ type: "result", id: req.id, out }, transfer);
  } catch (err) {
    post({ type: "error", id: req.id, message: err instanceof Error ? err.message : String(err) });
  }
});
