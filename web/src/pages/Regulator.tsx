// The regulator's page: the institutions and the council's open motions, and the market as the
// chain tallies it, without any enterprise's figure (`banktax_overview`): loans by rating and
// stage, defaults, exposure across banks, consents in force and accesses per bank.

import { yuan } from '../chain/format';
import { read, useLive } from '../chain/reads';
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
  const motions = useLive(async (api) => ((await api.query.council.proposals()).toJSON() as unknown[]).length, []);
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
        <p data-testid="motions">{t('regulator.motions', { count: motions.value ?? 0 })}</p>
      </section>
    </div>
  );
}
