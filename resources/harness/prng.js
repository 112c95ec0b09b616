// The seeded random stream shared by harness.js (evaluations) and seeded_random.js (the Compare
// view), so both give the same numbers for the same seed. Pasted in where a script says
// "// @include prng.js" (ludeme.runtime.policy.injected_script). sfc32 seeded through splitmix32,
// warmed up by 12 draws; returns the next unsigned 32-bit number on each call.
  function seededStream(seed) {
    function splitmix32(a) {
      return function () {
        a = (a + 0x9e3779b9) | 0;
        let t = a ^ (a >>> 16); t = Math.imul(t, 0x21f0aaad);
        t = t ^ (t >>> 15); t = Math.imul(t, 0x735a2d97);
        return (t ^ (t >>> 15)) >>> 0;
      };
    }
    function sfc32(a, b, c, d) {
      return function () {
        a |= 0; b |= 0; c |= 0; d |= 0;
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        return t >>> 0;
      };
    }
    const seedGen = splitmix32(seed);
    const next = sfc32(seedGen(), seedGen(), seedGen(), seedGen());
    for (let i = 0; i < 12; i++) next();
    return next;
  }
