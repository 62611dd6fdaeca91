/** A time as a seller at UTC+5:30 (Asia/Kolkata) reads it, HH:MM: its minutes differ from UTC's, so a message
 *  that says UTC instead of the seller's clock cannot pass by chance. */
export const KOLKATA = "Asia/Kolkata";

export function kolkataClock(at: Date): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: KOLKATA,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
}
