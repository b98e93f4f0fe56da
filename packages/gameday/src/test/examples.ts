/** A valid game day using every step kind, with the fake provider (`fake.break` on `fake` targets, probe `ok`). */
export const fullGameDay = `apiVersion: faultline.dev/v1
kind: GameDay
metadata:
  name: storefront-q3
  facilitator: alice
  participants: [bob, carol]
  hypothesis: The storefront survives a slow inventory service.
  labels: { team: shop }
spec:
  description: Quarterly game day.
  guards:
    - name: error-budget
      ok: {}
      expect: { equals: ok }
      every: 1s
  steps:
    - title: Announce
      checklist:
        items: [Status page updated, On-call informed]
    - title: Break the fragile storefront
      briefing: Watch the 504 dashboard.
      experiment:
        expect: aborted
        inline:
          apiVersion: faultline.dev/v1
          kind: Experiment
          metadata: { name: fragile }
          spec:
            duration: 1s
            targets: { things: { fake: {} } }
            faults: [{ name: slow, type: fake.break, target: things }]
    - title: Was on-call paged?
      gate: { question: Was on-call paged? Note when., default: go, timeout: 5m }
    - title: Let it settle
      wait: { duration: 30s }
    - title: From a file
      experiment: { file: resilient.yaml, seed: 7 }
`;
