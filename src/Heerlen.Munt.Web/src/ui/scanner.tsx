// Reads a QR code with the camera: the browser's BarcodeDetector where it has one (Android Chrome), otherwise jsQR on
// video frames. Typing is always offered next to it — a camera can fail, be refused or be missing.
import { useEffect, useRef, useState } from 'preact/hooks';
import jsQR from 'jsqr';
import { dict } from './i18n';

const T = dict(
  {
    video: 'Camerabeeld: houd de QR-code voor de camera',
    noCamera: 'De camera werkt niet of u gaf geen toestemming. Typ de code in.',
    stop: 'Stop de camera',
  },
  {
    video: 'Camera view: hold the QR code in front of the camera',
    noCamera: 'The camera does not work or permission was refused. Type the code instead.',
    stop: 'Stop the camera',
  },
);

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}

export function QrScanner(props: { onResult: (text: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer = 0;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const Native = (globalThis as unknown as { BarcodeDetector?: new (o: object) => Detector }).BarcodeDetector;
    const detector = Native ? new Native({ formats: ['qr_code'] }) : null;
    const tick = async () => {
      const v = video.current;
      if (stopped || !v || v.readyState < 2) {
        timer = window.setTimeout(tick, 200);
        return;
      }
      let found: string | null = null;
      try {
        if (detector) found = (await detector.detect(v))[0]?.rawValue ?? null;
        else if (context) {
          canvas.width = v.videoWidth;
          canvas.height = v.videoHeight;
          context.drawImage(v, 0, 0);
          found = jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height)?.data ?? null;
        }
      } catch {
        /* a frame that could not be read: try the next */
      }
      if (found && !stopped) props.onResult(found);
      else timer = window.setTimeout(tick, 250);
    };
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        if (stopped) return;
        if (video.current) {
          video.current.srcObject = stream;
          await video.current.play();
        }
        tick();
      } catch {
        setFailed(true);
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);
  return (
    <div class="scanner">
      {failed ? (
        <p class="error" role="alert">
          {T('noCamera')}
        </p>
      ) : (
        <video ref={video} aria-label={T('video')} muted playsInline />
      )}
      <button type="button" class="secondary" onClick={props.onClose}>
        {T('stop')}
      </button>
    </div>
  );
}
