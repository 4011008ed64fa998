// The proof of work of R26 in the ALTCHA v1 format: find `number` in
// 0..=maxnumber with hex(sha256(salt + number)) == challenge, with the
// browser's WebCrypto, and give back the `X-Altcha` header's value.

import { api, ApiError } from "./api.js";

const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");

export async function solve(challenge, onProgress = () => {}) {
  if (challenge.algorithm !== "SHA-256") throw new Error("unsupported algorithm");
  if (!globalThis.crypto?.subtle) throw new Error("WebCrypto is not available (the page needs HTTPS)");
  const enc = new TextEncoder();
  const batch = 500;
  for (let start = 0; start <= challenge.maxnumber; start += batch) {
    const end = Math.min(start + batch - 1, challenge.maxnumber);
    const tries = [];
    for (let n = start; n <= end; n++) {
      tries.push(crypto.subtle.digest("SHA-256", enc.encode(challenge.salt + n)));
    }
    const digests = await Promise.all(tries);
    for (let i = 0; i < digests.length; i++) {
      if (hex(digests[i]) === challenge.challenge) {
        const solution = {
          algorithm: challenge.algorithm,
          challenge: challenge.challenge,
          number: start + i,
          salt: challenge.salt,
          signature: challenge.signature,
        };
        return btoa(JSON.stringify(solution));
      }
    }
    onProgress(end / challenge.maxnumber);
  }
  throw new Error("no solution found");
}

// A request that may need the proof: `send(altcha)` goes without one first;
// where the server asks for it (challenge_required), `solving()` is told and
// the request goes again with a solution.
export async function withProof(send, solving) {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "challenge_required")) throw err;
    solving();
    return send(await solve(await api.challenge()));
  }
}
