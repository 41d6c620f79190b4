// The regulator's page: the institutions and the council's open motions (what each decides, who
// voted which way, the threshold and the deadline), and the market as the
// chain tallies it, without any enterprise's figure (`banktax_overview`): loans by rating and
// stage, defaults, exposure across banks, consents in force and accesses per bank.

import type { ApiPromise } from '@polkadot/api';
import { useChain } from '../chain/ChainProvider';
import { blockTime, dateText, institutionName, yuan } from '../chain/format';
import { read, useLive } from '../chain/reads';
import type { Maybe } from '../chain/types';
import type { InstitutionView } from '../chain/types';
import { Head } from '../components/Head';
import { useI18n } from '../i18n';

interface Overview {
  loans: { rating: string | null; stage: string; loans: number; outstanding: number }[];
  banks: { institution: number; bank: string; active: boolean; exposure: number; consentsInForce: number; uses: number }[];
  exposure: number;
  defaulted: { loans: number; outstanding: number };
  writtenOff: number;
  consentsInForce: number;
}

export function RegulatorPage() {
  const { t, language } = useI18n();
  const overview = useLive((api) => read<Overview>(api, 'overview'), []);
  const institutions = useLive((api) => read<InstitutionView[]>(api, 'institutions'), []);
  const name = (id: number) => institutions.value?.find((i) => i.id === id)?.legalName ?? `#${id}`;
  const o = overview.value;
  return (
    <div className="page regulator">
      <h2>{t('regulator.title')}</h2>
      {o && (
        <section data-testid="overview">
          <ul className="totals">
            <li data-testid="total-exposure">{t('regulator.exposure', { amount: yuan(o.exposure, language) })}</li>
            <li data-testid="total-consents">{t('regulator.consentsInForce', { count: o.consentsInForce })}</li>
            <li>{t('regulator.defaulted', { loans: o.defaulted.loans, amount: yuan(o.defaulted.outstanding, language) })}</li>
            <li>{t('regulator.writtenOff', { loans: o.writtenOff })}</li>
          </ul>
          <h3>{t('regulator.byRating')}</h3>
          <table data-testid="loans-by-rating">
            <Head columns={['record.rating', 'loan.state', 'regulator.loans', 'loan.outstanding']} />
            <tbody>
              {o.loans.map((row) => (
                <tr key={`${row.rating}-${row.stage}`}>
                  <td>{row.rating ?? '—'}</td>
                  <td>{t(`stageName.${row.stage}`)}</td>
                  <td>{row.loans}</td>
                  <td>{yuan(row.outstanding, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('regulator.byBank')}</h3>
          <table data-testid="banks">
            <Head columns={['consent.bank', 'loan.outstanding', 'regulator.consentsInForceShort', 'regulator.accesses']} />
            <tbody>
              {o.banks.map((b) => (
                <tr key={b.institution}>
                  <td>{name(b.institution)}</td>
                  <td>{yuan(b.exposure, language)}</td>
                  <td>{b.consentsInForce}</td>
                  <td>{b.uses}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section>
        <h3>{t('regulator.institutions')}</h3>
        <table data-testid="institutions">
          <tbody>
            {(institutions.value ?? []).map((i) => (
              <tr key={i.id}>
                <td>#{i.id}</td>
                <td>{i.legalName}</td>
                <td>{t(`institution.${i.role}`)}</td>
                <td>{t(`institutionStatus.${i.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Motions institutions={institutions.value ?? []} />
    </div>
  );
}

interface Motion {
  hash: string;
  index: number;
  call: string;
  args: string;
  ayes: string[];
  nays: string[];
  threshold: number;
  end: number;
}

/** The council's open motions, each with what it would do and its votes. */
async function openMotions(api: ApiPromise): Promise<Motion[]> {
  const hashes = (await api.query.council.proposals()).toJSON() as string[];
  const motions = await Promise.all(
    hashes.map(async (hash) => {
      const [proposal, voting] = await Promise.all([api.query.council.proposalOf(hash), api.query.council.voting(hash)]);
      const call = proposal as unknown as Maybe<{ section: string; method: string; args: { toHuman: () => unknown }[] }>;
      const votes = (voting as unknown as Maybe<{ toJSON: () => unknown }>);
      if (!call.isSome || !votes.isSome) return undefined;
      const { section, method, args } = call.unwrap();
      const v = votes.unwrap().toJSON() as { index: number; threshold: number; ayes: string[]; nays: string[]; end: number };
      return { hash, index: v.index, call: `${section}.${method}`, args: JSON.stringify(args.map((a) => a.toHuman())), ayes: v.ayes, nays: v.nays, threshold: v.threshold, end: v.end };
    }),
  );
  return motions.filter((m): m is Motion => m !== undefined).sort((a, b) => a.index - b.index);
}

function Motions({ institutions }: { institutions: InstitutionView[] }) {
  const { t, language } = useI18n();
  const { best, blockMs } = useChain();
  const motions = useLive(openMotions, []);
  const who = (address: string) => institutionName(institutions, address);
  const list = motions.value ?? [];
  return (
    <section>
      <h3>{t('regulator.motions', { count: list.length })}</h3>
      <table data-testid="motions">
        <Head columns={['#', 'motion.call', 'motion.ayes', 'motion.nays', 'motion.threshold', 'motion.end']} />
        <tbody>
          {list.map((m) => (
            <tr key={m.hash} data-testid={`motion-${m.index}`}>
              <td>{m.index}</td>
              <td>
                <code>{m.call}</code> <small>{m.args}</small>
              </td>
              <td>{m.ayes.map(who).join('、') || '—'}</td>
              <td>{m.nays.map(who).join('、') || '—'}</td>
              <td>{t('motion.of', { votes: m.ayes.length, threshold: m.threshold })}</td>
              <td>{dateText(blockTime(m.end, best, blockMs), language, true)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
