// The camera scanner (and its QR decoder) is loaded only when someone taps "scan": most payments on old phones start
// faster without it.
import { useEffect, useState } from 'preact/hooks';
import { Busy } from './components';

type ScannerProps = { onResult: (text: string) => void; onClose: () => void };

export function QrScanner(props: ScannerProps) {
  const [Scanner, setScanner] = useState<((p: ScannerProps) => preact.JSX.Element) | null>(null);
  useEffect(() => {
    import('./scanner').then((m) => setScanner(() => m.QrScanner));
  }, []);
  return Scanner ? <Scanner {...props} /> : <Busy />;
}
