// The landing page: which app is for whom.
import { render } from 'preact';
import '../../ui/style.css';
import { Shell } from '../../ui/components';
import { dict, useLang } from '../../ui/i18n';

const T = dict(
  {
    app: 'Heerlen Munt',
    title: 'Heerlen Munt',
    intro: 'Verdien munten met klussen in uw buurt. Besteed ze bij winkels in Heerlen. 1 HM = 1 euro.',
    resident: 'Klussen en betalen',
    residentText: 'De app voor bewoners: klussen zoeken, munten verdienen en betalen in de winkel. Zet hem op uw telefoon.',
    till: 'Kassa',
    tillText: 'Voor winkels: een betaling vragen, terugbetalen, de dag bekijken en munten inwisselen voor euro’s.',
    office: 'Gemeente',
    officeText: 'Voor medewerkers van de gemeente: klussen, beoordelen, budget, winkels, munt-kaarten.',
    audit: 'Controle',
    auditText: 'Voor het CBS en controleurs: de keten, controlepunten en cijfers per wijk en week.',
  },
  {
    app: 'Heerlen Munt',
    title: 'Heerlen Munt',
    intro: 'Earn coins with small jobs in your neighbourhood. Spend them at shops in Heerlen. 1 HM = 1 euro.',
    resident: 'Jobs and paying',
    residentText: 'The app for residents: find jobs, earn coins and pay in shops. Install it on your phone.',
    till: 'Till',
    tillText: 'For shops: ask for a payment, refund, see the day and exchange coins for euros.',
    office: 'Municipality',
    officeText: 'For municipal staff: jobs, reviews, budget, shops, munt cards.',
    audit: 'Audit',
    auditText: 'For the statistics office and auditors: the chain, checkpoints and figures per neighbourhood and week.',
  },
);

function Home() {
  useLang();
  const apps = [
    { href: '/app/', name: T('resident'), text: T('residentText') },
    { href: '/kassa/', name: T('till'), text: T('tillText') },
    { href: '/gemeente/', name: T('office'), text: T('officeText') },
    { href: '/controle/', name: T('audit'), text: T('auditText') },
  ];
  return (
    <Shell app={T('app')}>
      <h1>{T('title')}</h1>
      <p>{T('intro')}</p>
      <ul class="cards">
        {apps.map((a) => (
          <li class="card" key={a.href}>
            <h2>
              <a href={a.href}>{a.name}</a>
            </h2>
            <p>{a.text}</p>
          </li>
        ))}
      </ul>
    </Shell>
  );
}

render(<Home />, document.getElementById('root')!);
