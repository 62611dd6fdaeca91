// Must run before onnxruntime-node loads: it turns off the library's telemetry files (see ort-env.ts).
import "./ort-env.js";
import { parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import {
  createSession,
  outputWidths,
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
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, { data, dims }] of Object.entries(req.feeds))
      tensors[name] = new ort.Tensor(data instanceof BigInt64Array ? "int64" : "float32", data, dims);
    const out = await session.run(tensors);
    const result: Record<string, { data: Float32Array; dims: number[] }> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(out)) {
      // A copy of exactly the tensor's bytes, so that it can be moved to the main thread without a second copy.
      const data = Float32Array.from(t.data as Float32Array);
      result[name] = { data, dims: [...t.dims] };
      transfer.push(data.buffer as ArrayBuffer);
    }
    post({ type: "result", id: req.id, out: result }, transfer);
  } catch (err) {
    post({ type: "error", id: req.id, message: err instanceof Error ? err.message : String(err) });
  }
});
